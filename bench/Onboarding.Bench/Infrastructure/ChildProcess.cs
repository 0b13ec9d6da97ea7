using System.Diagnostics;

namespace Onboarding.Bench.Infrastructure;

/// <summary>
/// A program the bench runs beside the system (a baseline tool, the no-op workers of the queue burn-down): its output
/// handed over line by line, stopped with SIGTERM and, failing that, killed with its children.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, Action<string> onLine, IDictionary<string, string?>? environment = null)
    {
        var start = StartInfo(fileName, arguments, environment);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { onLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { onLine(line.Data); } };
        process.Exited += (_, _) => child._exited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a program to its end and returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        using var process = Process.Start(StartInfo(fileName, arguments, environment)) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await output + await errors).Trim());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_exited.Task.IsCompleted && !_process.HasExited)
        {
            Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            if (await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(20))) != _exited.Task)
            {
                _process.Kill(entireProcessTree: true);
                await _exited.Task;
            }
        }

        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
