using System.Net;
using Microsoft.Playwright;
using Onboarding.Reliability.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.Reliability.Tests;

/// <summary>Several instances of every service on one machine, sharing one Postgres and one Redis.</summary>
public sealed class ScaleOutTests(ScaledSystem system)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AViewerWhoseWebInstanceRestartsReconnectsAndFillsInWhatItMissed()
    {
        var client = system.Clients[0];
        var session = await client.OpenSessionAsync(Cancel);
        await AppendAsync(client, session, 2);
        // The view link leads through the orchestrator's proxy; the viewer opens it on one instance's own address.
        var web = system.Webs[0];
        var page = await system.Browser.NewPageAsync();
        await page.GotoAsync(web.Url + new Uri(session.ViewUrl).PathAndQuery);
        var cards = page.Locator("article[data-seq]");
        await Assertions.Expect(cards).ToHaveCountAsync(3);

        // That instance goes away and comes back; events keep arriving meanwhile.
        var restart = system.App.RestartAsync(web.Id, Cancel);
        await AppendAsync(system.Clients[1], session, 2);
        await restart;
        await AppendAsync(client, session, 1);

        await Assertions.Expect(cards).ToHaveCountAsync(6, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("article[data-seq='6']")).ToBeVisibleAsync();
        Outcomes.Record($"{web.Id} restarted under an open viewer: the page reconnected and shows all 6 events (3 before, 2 during, 1 after).");
        await page.CloseAsync();
    }

    [Fact]
    public async Task ASignInOnOneWebInstanceIsHonouredByTheOther()
    {
        var workspace = await system.Clients[0].ClaimWorkspaceAsync(Cancel);
        var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var (first, second) = (system.Webs[0], system.Webs[1]);
        await page.GotoAsync($"{first.Url}/dashboard/sign-in");
        await page.FillAsync("#api-key", workspace.ApiKey);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".dashboard-nav .org")).ToBeVisibleAsync();

        // The cookie was protected by the first instance; the second reads it with the key ring they share in Redis.
        await page.GotoAsync($"{second.Url}/dashboard");
        await Assertions.Expect(page.Locator(".dashboard-nav .org")).ToBeVisibleAsync();
        Assert.EndsWith("/dashboard", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        Outcomes.Record($"signed in on {first.Id}; {second.Id} served the dashboard with the same cookie (shared Data Protection keys).");
        await context.CloseAsync();
    }

    [Fact]
    public async Task ThreeWorkersShareTheQueueAndRunEachJobOnce()
    {
        var client = system.Clients[1];
        var workspaces = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.ClaimWorkspaceAsync(Cancel)));
        var mark = system.LogMark;
        var started = await Task.WhenAll(workspaces.Select(w => client.StartScrapingAsync(w, system.Site.BaseUrl, Cancel)));
        for (var i = 0; i < started.Length; i++)
        {
            var (workspace, sessionId) = (workspaces[i], started[i].SessionId);
            await Eventually.TrueAsync(async () => await client.StatusAsync(workspace, sessionId, Cancel) == "completed", TimeSpan.FromSeconds(60), $"scrape {i} to complete");
        }

        var runIds = started.Select(s => s.RunId).ToArray();
        Assert.Equal(6, await system.CountAsync("SELECT count(*) FROM jobs WHERE id = ANY($1) AND state = 'succeeded' AND attempts = 1 AND lease_version = 1", (object)runIds));
        var ranBy = system.LoggedSince(mark, "succeeded").Where(line => runIds.Any(id => line.Contains(id, StringComparison.Ordinal)))
            .Select(line => line[..line.IndexOf(' ', StringComparison.Ordinal)]).Distinct().Order().ToList();
        Outcomes.Record($"6 concurrent scrapes ran once each (attempt 1, lease version 1), on {string.Join(", ", ranBy)}.");
    }

    private static async Task AppendAsync(Bench.Infrastructure.OnboardingClient client, Bench.Infrastructure.AgentSession session, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await client.AppendAsync(session, Cancel));
        }
    }
}
