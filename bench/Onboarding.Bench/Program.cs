using System.Diagnostics;
using System.Runtime.InteropServices;
using Onboarding.Bench;
using Onboarding.Bench.Infrastructure;
using Onboarding.Bench.Scenarios;

// The benchmark harness: `dotnet run -c Release --project bench/Onboarding.Bench [-- --smoke]`.
// It starts the composed system, measures each scenario beside its raw baseline in the same run, and writes
// RESULTS.md and results.json. See bench/README.md.
if (args is [NoOpWorker.Command])
{
    return await NoOpWorker.RunAsync();
}

var options = BenchOptions.Parse(args);

// SIGTERM (how a run in the background is stopped) ends the scenario under way at once: the orchestrator stops the
// services on that signal too, and the scenario would otherwise wait out its timeouts against them before exiting.
var terminated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    terminated.TrySetCanceled();
});
var elapsed = Stopwatch.StartNew();
var report = new Report(options);
if (options.Runs("startup"))
{
    Console.WriteLine($"[{elapsed.Elapsed:mm\\:ss}] startup");
    await new StartUp(options, report).RunAsync();
}

Console.WriteLine($"Starting the system ({(options.Smoke ? "smoke" : "full")} run)...");
try
{
    await using (var system = await BenchSystem.StartAsync(options))
    {
        report.Machine = await Machine.DescribeAsync(system);
        var workspace = await system.Api.ClaimWorkspaceAsync();
        await using var scrapes = new ScrapeRuns(system);
        await scrapes.StartAsync();
        var appends = new EventAppend(system, options, report);
        var memory = new Memory(system, options, report, appends);
        await memory.RecordIdleAsync();

        await Run(system, "append", appends.RunAsync);
        await Run(system, "status", new StatusPolling(system, options, report, workspace, scrapes, appends).RunAsync);
        await Run(system, "memory", memory.RunAsync);
        await Run(system, "viewer", new ViewerLatency(system, options, report).RunAsync);
        await Run(system, "pickup", new JobPickup(system, options, report, workspace, scrapes).RunAsync);
        await Run(system, "crawl", new Crawl(system, options, report, workspace, scrapes).RunAsync);
        await Run(system, "queue", new QueueBurnDown(system, options, report, workspace).RunAsync);
        await Run(system, "long", new LongSession(system, options, report).RunAsync);
    }
}
catch (OperationCanceledException) when (terminated.Task.IsCanceled)
{
    // The services are stopped by now (the system was disposed on the way out).
    Console.Error.WriteLine("Stopped by SIGTERM: no report written.");
    return 143;
}

await report.WriteAsync(options.OutputDirectory, elapsed.Elapsed);
return 0;

async Task Run(BenchSystem system, string scenario, Func<Task> measure)
{
    if (options.Runs(scenario))
    {
        Console.WriteLine($"[{elapsed.Elapsed:mm\\:ss}] {scenario}");
        // What the last scenario wrote goes to disk now, not in a timed checkpoint during this one's windows.
        await system.CheckpointAsync();
        try
        {
            await await Task.WhenAny(measure(), terminated.Task);
        }
        catch when (!terminated.Task.IsCanceled)
        {
            // What the services printed is the only trace of why; the orchestrator takes it with them.
            Console.Error.WriteLine($"Scenario {scenario} failed. The services' last lines:\n{system.RecentLog}");
            throw;
        }
    }
}
