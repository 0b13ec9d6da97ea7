using System.Net;
using Onboarding.Reliability.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.Reliability.Tests;

/// <summary>
/// Crashes and outages under load. Each ends with the same promises: every append that got a 2xx is in the database
/// exactly once, no job is left running, and every service answers again without having been restarted.
/// </summary>
public sealed class CrashTests(ScaledSystem system)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWorkerKilledMidRunHasItsJobRescuedAndTheRunCompletesOnce()
    {
        // The first fetch of the home page hangs, so the run is mid-crawl when its worker dies.
        await using var site = await FixtureSite.StartAsync(stallFirstHomeRequest: true);
        var client = system.Clients[0];
        var workspace = await client.ClaimWorkspaceAsync(Cancel);
        var (sessionId, runId) = await client.StartScrapingAsync(workspace, site.BaseUrl, Cancel);

        string? owner = null;
        await Eventually.TrueAsync(async () =>
        {
            owner = await system.ScalarAsync<string?>("SELECT lease_owner FROM jobs WHERE id = $1 AND state = 'running'", runId);
            return owner is not null && site.Requests.Contains("/");
        }, TimeSpan.FromSeconds(60), "a worker to be fetching the stalled home page");
        var victim = system.Workers.Single(w => owner!.Split('/')[1] == w.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await system.App.KillAsync(victim, Cancel);

        await Eventually.TrueAsync(async () => await client.StatusAsync(workspace, sessionId, Cancel) == "completed", TimeSpan.FromSeconds(60), "the rescued run to complete");
        Assert.Equal(1, await system.CountAsync("SELECT count(*) FROM jobs WHERE id = $1 AND state = 'succeeded' AND lease_version = 2", runId));
        // Fetched by the worker that died, then once more by the one that took over.
        Assert.Equal(2, site.Requests.Count(path => path == "/"));

        // Only the second attempt wrote steps: the killed worker never committed one.
        var run = await client.RunAsync(workspace, runId, Cancel);
        Assert.All(run["steps"]!.AsArray(), step => Assert.Equal(2, step!["attempt"]!.GetValue<int>()));

        await system.App.RestartAsync(victim.Id, Cancel);
        await system.AssertRecoveredAsync();
        Outcomes.Record($"worker {victim.Id} killed (SIGKILL) while fetching; its lease expired and another worker ran the job to completion (lease version 2, the home page fetched once more).");
    }

    [Fact]
    public async Task AnApiKilledMidAppendLosesNoAcknowledgedEvent()
    {
        var (traffic, running) = await AppendTraffic.StartAsync(system, agents: 8, TimeSpan.FromSeconds(8));
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
        var victim = system.Apis[0];
        await system.App.KillAsync(victim, Cancel);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        await system.App.RestartAsync(victim.Id, Cancel);
        await running;

        var ledger = await traffic.AssertNothingLostAsync();
        await system.AssertRecoveredAsync();
        await AssertEveryApiAppendsAsync();
        Outcomes.Record($"{victim.Id} killed (SIGKILL) mid-append and started again after 2 s: {ledger}.");
    }

    [Fact]
    public async Task APostgresRestartUnderLoadLosesNothingAndEveryServiceRecovers()
    {
        var (traffic, running) = await AppendTraffic.StartAsync(system, agents: 8, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
        await system.App.RestartPostgresFastAsync(Cancel);
        await running;

        var ledger = await traffic.AssertNothingLostAsync();
        await system.AssertRecoveredAsync();
        await AssertEveryApiAppendsAsync();
        await AssertAScrapeRunsAsync();
        Outcomes.Record($"Postgres restarted (fast mode) under load: {ledger}. Afterwards every Api appends and a scrape completes.");
    }

    [Fact]
    public async Task TerminatedPostgresConnectionsUnderLoadLoseNothing()
    {
        var (traffic, running) = await AppendTraffic.StartAsync(system, agents: 8, TimeSpan.FromSeconds(8));
        long cut = 0;
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
            cut += await system.TerminatePostgresConnectionsAsync();
        }

        await running;
        var ledger = await traffic.AssertNothingLostAsync();
        await system.AssertRecoveredAsync();
        await AssertEveryApiAppendsAsync();
        await AssertAScrapeRunsAsync();
        Outcomes.Record($"{cut} service connections terminated (pg_terminate_backend) in three rounds under load: {ledger}.");
    }

    [Fact]
    public async Task AppendsGoOnWhileRedisIsStoppedAndEverythingRecoversWhenItReturns()
    {
        var (traffic, running) = await AppendTraffic.StartAsync(system, agents: 8, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        await system.App.StopAsync("redis", Cancel);
        await Task.Delay(TimeSpan.FromSeconds(4), Cancel);
        await system.App.RestartAsync("redis", Cancel);
        await running;

        var ledger = await traffic.AssertNothingLostAsync();
        // Appends fall back to a limit counted in each process: an agent never notices.
        Assert.Equal(ledger.Attempts, traffic.Count("202"));
        await system.AssertRecoveredAsync();
        await AssertAScrapeRunsAsync();
        Outcomes.Record($"Redis stopped for 4 s under load, then started again: {ledger}.");
    }

    [Fact]
    public async Task AppendsGoOnWhileRedisIsPaused()
    {
        var (traffic, running) = await AppendTraffic.StartAsync(system, agents: 8, TimeSpan.FromSeconds(12));
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        await system.PauseRedisAsync(TimeSpan.FromSeconds(8));
        // A limit that fails closed waits out the Redis client's own timeout (5 s from the write), then refuses: before
        // the pause ends, and without taking a process that is merely slow for a Redis that answers nothing.
        using var lookup = await system.Clients[0].Http.GetAsync("/onboarding/lookup?domain=acme.example", Cancel);
        await running;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, lookup.StatusCode);
        var ledger = await traffic.AssertNothingLostAsync();
        Assert.Equal(ledger.Attempts, traffic.Count("202"));
        await system.AssertRecoveredAsync();
        Outcomes.Record($"Redis paused (CLIENT PAUSE 8000 ALL) under load: {ledger}; a domain lookup meanwhile (its limit fails closed) answered {(int)lookup.StatusCode}.");
    }

    /// <summary>Each Api instance takes an append again, on a fresh session.</summary>
    private async Task AssertEveryApiAppendsAsync()
    {
        foreach (var client in system.Clients)
        {
            var session = await client.OpenSessionAsync(Cancel);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, await client.AppendAsync(session, Cancel));
        }
    }

    /// <summary>The workers take new work again: a scrape runs to completion.</summary>
    private async Task AssertAScrapeRunsAsync()
    {
        var client = system.Clients[^1];
        var workspace = await client.ClaimWorkspaceAsync(Cancel);
        var (sessionId, _) = await client.StartScrapingAsync(workspace, system.Site.BaseUrl, Cancel);
        await Eventually.TrueAsync(async () => await client.StatusAsync(workspace, sessionId, Cancel) == "completed", TimeSpan.FromSeconds(60), "a scrape after the fault to complete");
    }
}
