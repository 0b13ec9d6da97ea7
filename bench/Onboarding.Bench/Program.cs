using System.Diagnostics;
using Onboarding.Bench;
using Onboarding.Bench.Infrastructure;
using Onboarding.Bench.Scenarios;

// The benchmark harness (issue 7): `dotnet run -c Release --project bench/Onboarding.Bench [-- --smoke]`.
// It starts the composed system, measures each scenario beside its raw baseline in the same run, and writes
// RESULTS.md and results.json. See bench/README.md.
if (args is [NoOpWorker.Command])
{
    return await NoOpWorker.RunAsync();
}

var options = BenchOptions.Parse(args);
var elapsed = Stopwatch.StartNew();
var report = new Report(options);
Console.WriteLine($"Starting the system ({(options.Smoke ? "smoke" : "full")} run)...");
await using (var system = await BenchSystem.StartAsync(options))
{
    report.Machine = await Machine.DescribeAsync(system);
    var workspace = await system.Api.ClaimWorkspaceAsync();
    await using var scrapes = new ScrapeRuns(system);
    await scrapes.StartAsync();
    var appends = new EventAppend(system, options, report);
    var memory = new Memory(system, options, report, appends);
    await memory.RecordIdleAsync();

    await Run("append", appends.RunAsync);
    await Run("status", new StatusPolling(system, options, report, workspace, scrapes, appends).RunAsync);
    await Run("memory", memory.RunAsync);
    await Run("viewer", new ViewerLatency(system, options, report).RunAsync);
    await Run("pickup", new JobPickup(system, options, report, workspace, scrapes).RunAsync);
    await Run("crawl", new Crawl(system, options, report, workspace, scrapes).RunAsync);
    await Run("queue", new QueueBurnDown(system, options, report, workspace).RunAsync);
}

await report.WriteAsync(options.OutputDirectory, elapsed.Elapsed);
return 0;

async Task Run(string scenario, Func<Task> measure)
{
    if (options.Runs(scenario))
    {
        Console.WriteLine($"[{elapsed.Elapsed:mm\\:ss}] {scenario}");
        await measure();
    }
}
