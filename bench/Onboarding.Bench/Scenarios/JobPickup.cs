using System.Diagnostics;
using Npgsql;
using Onboarding.Bench.Infrastructure;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 3: from start-scraping's answer (its commit, which queues the job and its NOTIFY, is behind it) to the
/// worker's first committed step of the run, announced on Redis; one scrape at a time against an idle worker. Beside a
/// raw LISTEN/NOTIFY round trip through Npgsql: from sending NOTIFY (its own commit) to the listener receiving it.
/// Both ends of each measurement are read in this process, on one clock.
/// </summary>
public sealed class JobPickup(BenchSystem system, BenchOptions options, Report report, Workspace workspace, ScrapeRuns scrapes)
{
    private const string Scenario = "3. Job pickup";

    public async Task RunAsync()
    {
        var ours = new Samples();
        // One unmeasured run first: the worker's first crawl pays for JIT and connection set-up.
        await scrapes.RunAsync(workspace, system.Site.BaseUrl);
        for (var i = 0; i < options.PickupRuns; i++)
        {
            ours.Add((await scrapes.RunAsync(workspace, system.Site.BaseUrl)).PickupMs);
        }

        var raw = await ListenNotifyAsync(options.PickupRuns);
        report.Add(new Result(Scenario, "p50", ours.P50, raw.P50, "ms", "p50 ≤ 10 ms", ours.P50 <= 10, $"ours {ours.Summary()}"));
        report.Add(new Result(Scenario, "p99", ours.P99, raw.P99, "ms", "p99 ≤ 50 ms", ours.P99 <= 50, $"raw LISTEN/NOTIFY {raw.Summary()}"));
    }

    /// <summary>A listener that waits on its connection all the time, as the worker's wake-up does; NOTIFY from another.</summary>
    private async Task<Samples> ListenNotifyAsync(int count)
    {
        var samples = new Samples();
        await using var listener = await system.Postgres.OpenConnectionAsync();
        await using var notifier = await system.Postgres.OpenConnectionAsync();
        var received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, _) => received.TrySetResult(Stopwatch.GetTimestamp());
        await using (var listen = new NpgsqlCommand("LISTEN bench_ping", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        using var stop = new CancellationTokenSource();
        var listening = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await listener.WaitAsync(stop.Token);
            }
        });
        await using var notify = new NpgsqlCommand("NOTIFY bench_ping", notifier);
        for (var i = 0; i <= count; i++)
        {
            received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            // Timed from sending: the listener often hears the NOTIFY before the notifier reads its own completion.
            var sent = Stopwatch.GetTimestamp();
            await notify.ExecuteNonQueryAsync();
            var arrived = await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
            // The first round trip warms up; it is not counted.
            if (i > 0)
            {
                samples.Add(Samples.Milliseconds(sent, arrived));
            }
        }

        await stop.CancelAsync();
        await listening.ContinueWith(_ => { }, TaskScheduler.Default);
        return samples;
    }
}
