using System.Globalization;

namespace Onboarding.Bench.Infrastructure;

/// <summary>
/// CPU time spent by each part of the system over a stretch of wall time, in percent of one core, read from
/// /proc/[pid]/stat: where a run's CPU went (the machine has <see cref="Environment.ProcessorCount"/> cores to share).
/// A process belongs to the part whose root process it descends from; what descends from none ran beside this run
/// ("outside the run": the machine is shared) and is shown as such.
/// </summary>
public sealed class CpuUsage
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on
    private static IReadOnlyDictionary<int, string> _roots = new Dictionary<int, string>();
    private readonly Dictionary<int, (string Part, long Ticks)> _start;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly long _machineStart = MachineBusyTicks();

    private CpuUsage() => _start = Snapshot();

    /// <summary>The root process of each part (the services, Redis, the postmaster); the bench itself is always one.</summary>
    public static void Watch(IReadOnlyDictionary<int, string> roots) => _roots = roots;

    public static CpuUsage Start() => new();

    /// <summary>"api 95%, postgres 60%, bench 25% … (machine 190% of 200%)", busiest first.</summary>
    public string Stop()
    {
        var seconds = (DateTime.UtcNow - _started).TotalSeconds;
        var parts = new Dictionary<string, double>();
        foreach (var (pid, (part, ticks)) in Snapshot())
        {
            var before = _start.TryGetValue(pid, out var started) ? started.Ticks : 0;
            parts[part] = parts.GetValueOrDefault(part) + (ticks - before) / TicksPerSecond / seconds * 100;
        }

        var busy = (MachineBusyTicks() - _machineStart) / TicksPerSecond / seconds * 100;
        return string.Join(", ", parts.Where(p => p.Value >= 1).OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:0}%"))
            + $" (machine {busy:0}% of {Environment.ProcessorCount * 100}%)";
    }

    private static Dictionary<int, (string Part, long Ticks)> Snapshot()
    {
        var processes = new Dictionary<int, (int Parent, long Own, long Reaped, string CommandLine)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // After the parenthesised name: ppid at 1, utime and stime at 11–12, cutime and cstime (children that
                // ended and were reaped) at 13–14.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                processes[pid] = ((int)Field(fields, 1), Field(fields, 11) + Field(fields, 12), Field(fields, 13) + Field(fields, 14),
                    File.ReadAllText(Path.Combine(directory, "cmdline")));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        var snapshot = new Dictionary<int, (string, long)>();
        foreach (var (pid, process) in processes)
        {
            var part = PartOf(pid, processes);
            if (pid == Environment.ProcessId)
            {
                // The bench's baselines (pgbench, curl) end before the snapshot: their time is in its reaped time.
                snapshot[pid] = (part, process.Own);
                snapshot[-pid] = ("pgbench/curl", process.Reaped);
            }
            else
            {
                // Likewise a Postgres backend that ended (a pgbench connection), in the postmaster's.
                snapshot[pid] = (part, _roots.GetValueOrDefault(pid) == "postgres" ? process.Own + process.Reaped : process.Own);
            }
        }

        return snapshot;
    }

    private static string PartOf(int pid, Dictionary<int, (int Parent, long Own, long Reaped, string CommandLine)> processes)
    {
        for (var ancestor = pid; processes.TryGetValue(ancestor, out var process) && ancestor > 1; ancestor = process.Parent)
        {
            if (ancestor == Environment.ProcessId)
            {
                return pid == ancestor ? "bench" : BenchChild(processes[pid].CommandLine);
            }

            if (_roots.TryGetValue(ancestor, out var part))
            {
                return part;
            }
        }

        return "outside the run";
    }

    private static string BenchChild(string commandLine) =>
        commandLine.Contains(NoOpWorker.Command, StringComparison.Ordinal) ? "no-op workers"
        : commandLine.Contains("pgbench", StringComparison.Ordinal) || commandLine.Contains("curl", StringComparison.Ordinal) ? "pgbench/curl"
        : commandLine.Contains("chrom", StringComparison.Ordinal) ? "chromium"
        : "playwright";

    private static long Field(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits (at most <paramref name="patience"/>) until the machine is nearly idle, so one run's leftovers (JIT, a
    /// service catching up) do not eat into the next run, the baseline's or ours.
    /// </summary>
    public static async Task SettleAsync(TimeSpan patience)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < patience)
        {
            var before = MachineBusyTicks();
            await Task.Delay(500);
            if ((MachineBusyTicks() - before) / TicksPerSecond / 0.5 * 100 < 25)
            {
                return;
            }
        }
    }

    /// <summary>All CPUs' non-idle time, in ticks.</summary>
    private static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // idle and iowait are the 4th and 5th.
        return fields.Sum() - fields[3] - fields[4];
    }
}
