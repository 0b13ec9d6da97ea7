using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Onboarding.Reliability.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.Reliability.Tests;

/// <summary>
/// A bounded run of mixed traffic across every instance: agents appending, viewers reading, workspaces polling their
/// status, and a few scrapes, for 20 seconds. Throughput is the benchmark's business (bench/); this asserts health.
/// </summary>
public sealed class LoadTests(ScaledSystem system)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MixedTrafficGetsNoServerErrorExhaustsNoPoolAndTheQueueDrains()
    {
        var mark = system.LogMark;
        var workspaces = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => system.Clients[i % 2].ClaimWorkspaceAsync(Cancel)));
        var viewed = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => system.Clients[i % 2].OpenSessionAsync(Cancel)));
        var answers = new ConcurrentDictionary<string, int>();
        void Count(string what, int status) => answers.AddOrUpdate($"{what} {status}", 1, (_, n) => n + 1);

        var (appends, appending) = await AppendTraffic.StartAsync(system, agents: 8, Duration);
        var scrapes = await Task.WhenAll(workspaces.Select((w, i) => system.Clients[i % 2].StartScrapingAsync(w, system.Site.BaseUrl, Cancel)));
        var until = DateTime.UtcNow + Duration;
        var readers = viewed.Select((session, i) => Task.Run(async () =>
        {
            var token = session.ViewUrl[(session.ViewUrl.IndexOf("?t=", StringComparison.Ordinal) + 3)..];
            for (var n = 0; DateTime.UtcNow < until; n++)
            {
                var client = system.Clients[(i + n) % 2];
                using var response = await client.Http.GetAsync(new Uri(client.BaseAddress, $"/onboarding/sessions/{session.Id}?t={token}&after=0"), Cancel);
                Count("viewer read", (int)response.StatusCode);
                await Task.Delay(20, Cancel);
            }
        }));
        var pollers = workspaces.Select((workspace, i) => Task.Run(async () =>
        {
            for (var n = 0; DateTime.UtcNow < until; n++)
            {
                var client = system.Clients[(i + n) % 2];
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseAddress, $"/api/onboarding/status?sessionId={scrapes[i].SessionId}"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", workspace.ApiKey);
                using var response = await client.Http.SendAsync(request, Cancel);
                Count("status poll", (int)response.StatusCode);
                await Task.Delay(20, Cancel);
            }
        }));
        await Task.WhenAll([appending, .. readers, .. pollers]);

        var ledger = await appends.AssertNothingLostAsync();
        Assert.Equal(ledger.Attempts, appends.Count("202"));
        Assert.All(answers.Keys, key => Assert.EndsWith(" 200", key, StringComparison.Ordinal));
        for (var i = 0; i < scrapes.Length; i++)
        {
            var (workspace, sessionId) = (workspaces[i], scrapes[i].SessionId);
            await Eventually.TrueAsync(async () => await system.Clients[0].StatusAsync(workspace, sessionId, Cancel) == "completed", TimeSpan.FromSeconds(60), $"scrape {i} to complete");
        }

        await system.AssertRecoveredAsync();
        Assert.Empty(system.LoggedSince(mark, "pool has been exhausted"));
        Assert.Empty(system.LoggedSince(mark, "fail: "));
        Outcomes.Record($"20 s of mixed traffic over 2 Api instances: {ledger}; "
            + string.Join(", ", answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} × {a.Value}"))
            + $"; {scrapes.Length} scrapes completed; queue drained; no 5xx, no pool exhaustion, no error logged.");
    }
}
