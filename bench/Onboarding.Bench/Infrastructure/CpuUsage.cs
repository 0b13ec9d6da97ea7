using System.Globalization;

namespace Onboarding.Bench.Infrastructure;

/// <summary>
/// CPU time spent by each part of the system over a stretch of wall time, in percent of one core, read from
/// /proc/[pid]/stat: where a run's CPU went (the machine has <see cref="Environment.ProcessorCount"/> cores to share).
/// </summary>
public sealed class CpuUsage
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on
    private readonly Dictionary<int, (string Part, long Ticks)> _start;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly long _machineStart = MachineBusyTicks();

    private CpuUsage() => _start = Snapshot();

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
        var snapshot = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // After the parenthesised name: utime, stime, then cutime, cstime (children that ended and were reaped) at 11–14.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var own = Field(fields, 11) + Field(fields, 12);
                var reaped = Field(fields, 13) + Field(fields, 14);
                if (pid == Environment.ProcessId)
                {
                    // The bench's own children are its baselines (pgbench, curl), which end before the snapshot.
                    snapshot[pid] = ("bench", own);
                    snapshot[-pid] = ("pgbench/curl", reaped);
                }
                else
                {
                    // A Postgres backend that ended (a pgbench connection) is counted in the postmaster's reaped time.
                    snapshot[pid] = (Part(File.ReadAllText(Path.Combine(directory, "cmdline"))), own + reaped);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return snapshot;
    }

    private static long Field(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);

    private static string Part(string commandLine) =>
        commandLine.Contains("Onboarding.Api.dll", StringComparison.Ordinal) ? "api"
        : commandLine.Contains("Onboarding.Worker.dll", StringComparison.Ordinal) ? "worker"
        : commandLine.Contains("Onboarding.Web.dll", StringComparison.Ordinal) ? "web"
        : commandLine.Contains(NoOpWorkerMarker, StringComparison.Ordinal) ? "no-op workers"
        : commandLine.StartsWith("postgres", StringComparison.Ordinal) || commandLine.Contains("/bin/postgres", StringComparison.Ordinal) ? "postgres"
        : commandLine.Contains("redis-server", StringComparison.Ordinal) ? "redis"
        : commandLine.Contains("chrom", StringComparison.Ordinal) ? "chromium"
        : commandLine.Contains("playwright", StringComparison.Ordinal) ? "playwright"
        : "other";

    private static readonly string NoOpWorkerMarker = NoOpWorker.Command;

    /// <summary>All CPUs' non-idle time, in ticks.</summary>
    private static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // idle and iowait are the 4th and 5th.
        return fields.Sum() - fields[3] - fields[4];
    }
}
