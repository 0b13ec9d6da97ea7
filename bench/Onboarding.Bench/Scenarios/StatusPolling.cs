using System.Net;
using Onboarding.Bench.Infrastructure;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 6: GET /api/onboarding/status of a completed scrape at a fixed 1,000 requests/s (open loop), while scenario
/// 1's appends run at half their peak rate beside it. Every status call authenticates its API key, passes the rate
/// limiter in Redis and reads Postgres.
/// </summary>
public sealed class StatusPolling(BenchSystem system, BenchOptions options, Report report, Workspace workspace, ScrapeRuns scrapes, EventAppend appends)
{
    private const string Scenario = "6. Status polling";

    public async Task RunAsync()
    {
        var scrape = await scrapes.RunAsync(workspace, system.Site.BaseUrl);
        await appends.PrepareAsync();
        if (appends.PeakRate == 0)
        {
            // Run alone (--only status): find the peak the way scenario 1 does, at 64 clients.
            appends.RecordPeak((await appends.ClosedLoopAsync(BenchOptions.AppendClients.Max())).Rate);
        }

        var appending = appends.HalfPeakAsync(options.Window);
        var polling = Load.OpenLoopAsync(BenchOptions.StatusRate, options.Warmup, options.Window, async (_, ct) =>
        {
            using var response = await system.Api.StatusResponseAsync(workspace, scrape.SessionId, ct);
            await response.Content.LoadIntoBufferAsync(ct);
            return response.StatusCode == HttpStatusCode.OK;
        });
        var (status, append) = (await polling, await appending);
        report.Add(new Result(Scenario, $"{BenchOptions.StatusRate:N0}/s with appends at {appends.PeakRate / 2:N0}/s, p99", status.Latency.P99, null, "ms",
            "p99 ≤ 20 ms", status.Latency.P99 <= 20 && status.Failed == 0,
            $"status {status.Latency.Summary()}, {status.Rate:N0}/s done{(status.Failed > 0 ? $", {status.Failed:N0} FAILED" : "")}; "
            + $"appends meanwhile {append.Latency.Summary()}, {append.Rate:N0}/s"));
    }
}
