using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Onboarding.AppHost.Hosting;

/// <summary>Receives each line a resource prints, with the resource's name.</summary>
public delegate void LogSink(string resource, string line);

/// <summary>
/// A child process the launcher owns: its output streamed line by line to a <see cref="LogSink"/>,
/// stopped politely (SIGTERM, or a resource-specific command) and, failing that, killed with its children.
/// </summary>
public sealed partial class ResourceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ResourceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public static ResourceProcess Start(
        string name, string fileName, IEnumerable<string> arguments, LogSink log,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        // In a session of its own, Ctrl+C in the terminal reaches only the launcher, which then stops
        // the resources in order; setsid execs in place, so the process id stays the resource's.
        var setsid = Native.FindOnPath("setsid");
        var startInfo = new ProcessStartInfo(setsid ?? fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        if (setsid is not null)
        {
            startInfo.ArgumentList.Add(fileName);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var resource = new ResourceProcess(name, process);
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Exited += (_, _) =>
        {
            // Let the output readers drain before reporting the exit.
            process.WaitForExit();
            resource._exited.TrySetResult(process.ExitCode);
        };

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {name} ({fileName}): {e.Message}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return resource;

        void Forward(string? line)
        {
            if (line is not null)
            {
                log(name, line);
            }
        }
    }

    /// <summary>Runs a command to completion and returns its exit code and output; for setup steps.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var output = new System.Text.StringBuilder();
        await using var process = Start(Path.GetFileName(fileName), fileName, arguments,
            (_, line) => { lock (output) { output.AppendLine(line); } }, environment);
        var exitCode = await process.Exited.WaitAsync(cancellationToken);
        lock (output)
        {
            return (exitCode, output.ToString());
        }
    }

    /// <summary>Sends SIGTERM (graceful shutdown for .NET hosts and Redis).</summary>
    public void Terminate()
    {
        if (!HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
        }
    }

    /// <summary>Waits up to <paramref name="grace"/> for the process to end after a polite stop; then kills it and its children.</summary>
    public async Task WaitOrKillAsync(TimeSpan grace)
    {
        try
        {
            await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            KillTree();
            await Exited.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Kills it at once (SIGKILL, no shutdown), as a crash or the OOM killer would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        KillTree();
        await Exited.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void KillTree()
    {
        try
        {
            if (!HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            Terminate();
            await WaitOrKillAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private const int SigTerm = 15;


    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
