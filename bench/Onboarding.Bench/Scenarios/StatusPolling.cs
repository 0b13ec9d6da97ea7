using Microsoft.AspNetCore.Http;
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

        var status = LeanHttpConnection.Request("GET", system.Api.BaseAddress, $"/api/onboarding/status?sessionId={scrape.SessionId}", workspace.ApiKey);
        using var pool = new LeanHttpPool(system.Api.BaseAddress);

        // Alone first, to tell the polling's own cost from what the appends add.
        var alone = await Load.OpenLoopAsync(BenchOptions.StatusRate, options.Warmup, options.Window,
            async (_, ct) => await pool.SendAsync(status, ct) == StatusCodes.Status200OK);
        report.Add(new Result(Scenario, $"{BenchOptions.StatusRate:N0}/s alone, p99", alone.Latency.P99, null, "ms", null, null,
            $"{alone.Latency.Summary()}, {alone.Rate:N0}/s done{(alone.Failed > 0 ? $", {alone.Failed:N0} FAILED" : "")}"));
        report.Note($"{Scenario}, alone: CPU (% of one core): {alone.Cpu}.");

        var appending = appends.HalfPeakAsync(options.Window);
        var polling = Load.OpenLoopAsync(BenchOptions.StatusRate, options.Warmup, options.Window,
            async (_, ct) => await pool.SendAsync(status, ct) == StatusCodes.Status200OK);
        var (polled, appended) = (await polling, await appending);
        report.Add(new Result(Scenario, $"{BenchOptions.StatusRate:N0}/s with appends at {appends.PeakRate / 2:N0}/s, p99", polled.Latency.P99, null, "ms",
            "p99 ≤ 20 ms", polled.Latency.P99 <= 20 && polled.Failed == 0,
            $"status {polled.Latency.Summary()}, {polled.Rate:N0}/s done{(polled.Failed > 0 ? $", {polled.Failed:N0} FAILED" : "")}; "
            + $"appends meanwhile {appended.Latency.Summary()}, {appended.Rate:N0}/s"));
        report.Note($"{Scenario}, with appends: CPU (% of one core): {polled.Cpu}.");
    }
}
