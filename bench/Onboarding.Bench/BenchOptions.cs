using System.Reflection;

namespace Onboarding.Bench;

/// <summary>
/// How much to measure. The full run is what RESULTS.md reports; <c>--smoke</c> runs every scenario with tiny counts
/// in a minute or two, to prove the harness still works (its figures mean nothing).
/// </summary>
public sealed record BenchOptions(bool Smoke, string OutputDirectory, IReadOnlySet<string> Only, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>Scenario names for <c>--only</c>.</summary>
    public static readonly string[] ScenarioNames = ["startup", "append", "status", "memory", "viewer", "pickup", "crawl", "queue", "long"];

    public static BenchOptions Parse(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var only = Value(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet()
            ?? [.. ScenarioNames];
        if (only.Except(ScenarioNames).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"Unknown scenario '{unknown}'; --only takes a comma-separated list of {string.Join(", ", ScenarioNames)}.");
        }

        var output = Value(args, "--out")
            ?? (smoke ? Path.Combine(Path.GetTempPath(), "onboarding-bench-smoke") : Path.Combine(RepositoryRoot, "bench"));
        // --set Key=Value (repeatable): an extra setting for every service, to measure what a setting changes.
        var settings = args.Select((arg, i) => (arg, i)).Where(a => a.arg == "--set" && a.i + 1 < args.Length)
            .Select(a => args[a.i + 1].Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "");
        return new BenchOptions(smoke, Path.GetFullPath(output), only, settings);
    }

    public bool Runs(string scenario) => Only.Contains(scenario);

    /// <summary>The repository this bench was built from (where RESULTS.md goes, and whose commit the report names).</summary>
    public static string RepositoryRoot =>
        typeof(BenchOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == nameof(RepositoryRoot)).Value!;

    /// <summary>Load before each measured window, discarded: JIT, connection pools, caches.</summary>
    public TimeSpan Warmup => Smoke ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(3);

    /// <summary>Most to wait for a quiet machine before a measured run.</summary>
    public TimeSpan Settle => Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);

    /// <summary>The measured window of each throughput run.</summary>
    public TimeSpan Window => Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);

    public static int[] AppendClients => [1, 16, 64];

    public static double StatusRate => 1000;

    public int[] ViewerPages => Smoke ? [1, 3] : [1, 20];

    public int ViewerAppends => Smoke ? 5 : 100;

    public int PickupRuns => Smoke ? 5 : 100;

    public int CrawlRuns => Smoke ? 3 : 20;

    /// <summary>
    /// Scrapes back to back before the measured ones, until the code of a run (called ten times a run, not thousands of
    /// times a second like an append's) has been recompiled at the runtime's final tier, as curl's is from the start.
    /// </summary>
    public TimeSpan CrawlWarmUp => Smoke ? TimeSpan.Zero : TimeSpan.FromSeconds(20);

    public int QueueJobs => Smoke ? 200 : 10_000;

    public int[] QueueWorkers => Smoke ? [1] : [1, 2, 3];

    private static string? Value(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
