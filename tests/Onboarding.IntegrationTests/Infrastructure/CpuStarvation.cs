using System.Diagnostics;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// This process, and the Api in it, short of CPU until disposed: every thread of it is pinned to one core (<c>taskset</c>)
/// beside busy threads on that core. The other cores stay free, so the rest of the machine (Redis, other test runs) is not
/// starved with it.
/// </summary>
public sealed class CpuStarvation : IDisposable
{
    private readonly string _cores;
    private readonly Thread[] _threads;
    private volatile bool _stopping;

    public CpuStarvation(int busyThreads)
    {
        // "pid 123's current affinity list: 0,1"
        var current = Taskset("-p", "-c");
        _cores = current[(current.LastIndexOf(':') + 1)..].Trim();
        Taskset("-a", "-p", "-c", _cores.Split(',', '-')[0]);
        _threads = [.. Enumerable.Range(0, busyThreads).Select(i => new Thread(Spin) { IsBackground = true, Name = $"busy-{i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        Taskset("-a", "-p", "-c", _cores);
    }

    private void Spin()
    {
        while (!_stopping)
        {
            Thread.SpinWait(10_000);
        }
    }

    /// <summary>Runs taskset on this process (its id last) and returns what it printed.</summary>
    private static string Taskset(params string[] arguments)
    {
        var start = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Append(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            start.ArgumentList.Add(argument);
        }

        using var taskset = Process.Start(start)!;
        var output = taskset.StandardOutput.ReadToEnd();
        var error = taskset.StandardError.ReadToEnd();
        taskset.WaitForExit();
        return taskset.ExitCode == 0 ? output : throw new InvalidOperationException($"taskset {string.Join(' ', arguments)}: {error}");
    }
}
