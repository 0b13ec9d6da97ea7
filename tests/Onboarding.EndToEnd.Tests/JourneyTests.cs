using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.EndToEnd.Tests;

/// <summary>
/// A new user's whole journey in Chromium on the composed system: the agent's session claimed through the emailed
/// link, one click to the dashboard, the home following a scrape live, a regenerate and what it changed.
/// </summary>
public sealed class JourneyTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClaimOpensTheDashboardSignedInAndTheHomeFollowsAScrapeByPushAlone()
    {
        await using var site = await FixtureSite.StartAsync();
        var session = await _agent.OpenSessionAsync();
        var slug = "journey-" + Guid.NewGuid().ToString("N")[..8];
        var link = await _agent.RequestClaimAsync(session, $"dev@{slug}.dev", slug);
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var addresses = new List<string>();
        page.Request += (_, request) => addresses.Add(request.Url);

        // Claim, then one click to the dashboard: signed in without typing the key.
        await page.GotoAsync(link.ToString());
        await page.Locator("fluent-button", new() { HasText = "Confirm and reveal API key" }).ClickAsync();
        var key = await page.Locator("#api-key").InputValueAsync();
        await page.ClickAsync("button:text('Open the dashboard')");
        await Expect(page.Locator(".dashboard-nav .org")).ToHaveTextAsync(slug);
        Assert.EndsWith("/dashboard", page.Url, StringComparison.Ordinal);
        // The home names the session it came from, and who claimed it.
        await Expect(page.Locator(".agent .session-id")).ToHaveTextAsync(session.Id);
        await Expect(page.Locator(".agent .claimed-by")).ToContainTextAsync($"{slug} (dev@{slug}.dev)");
        await Expect(page.Locator(".agent .last-events li").First).ToContainTextAsync("onboarding.claimed");
        await Expect(page.Locator(".interview")).ToHaveAttributeAsync("data-status", "none");
        await Expect(page.Locator(".live")).ToHaveAttributeAsync("data-mode", "push");

        // A reload of the claim page reveals nothing, and the sign-in did not depend on it.
        var claimPage = await context.NewPageAsync();
        await claimPage.GotoAsync(link.ToString());
        await Expect(claimPage.Locator("[data-problem='AlreadyConfirmed']")).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await claimPage.ContentAsync(), StringComparison.Ordinal);
        await claimPage.CloseAsync();

        // Every status the page shows is recorded as it appears.
        await page.EvaluateAsync("""
            () => {
              window.__statuses = [];
              const record = () => {
                const status = document.querySelector('.website .session')?.dataset.status;
                if (status && window.__statuses.at(-1) !== status) window.__statuses.push(status);
              };
              new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
              window.__firstLoad = true;
            }
            """);
        // The site holds robots.txt (looked up) and one page (gathered) until the page has shown each step.
        site.Hold("/robots.txt");
        site.Hold("/about");
        await page.FillAsync("#website", site.BaseUrl.ToString());
        await page.ClickAsync(".start-form button");
        await Expect(page.Locator(".website .session")).ToHaveAttributeAsync("data-status", "looking_up");
        site.Release("/robots.txt");
        await Expect(page.Locator(".website .session")).ToHaveAttributeAsync("data-status", "gathering_info");
        await Expect(page.Locator(".website .pages")).ToContainTextAsync("found");
        site.Release("/about");
        await Expect(page.Locator(".website .session")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 60_000 });
        await Expect(page.Locator(".website .stepper .step.done")).ToHaveCountAsync(5);
        await Expect(page.Locator(".website .summary-company")).ToContainTextAsync(FixtureSite.CompanyName);
        await Expect(page.Locator(".runs .run-link")).ToHaveCountAsync(1);
        var statuses = await page.EvaluateAsync<string[]>("() => window.__statuses");
        string[] order = ["pending", "looking_up", "gathering_info", "generating_context", "completed"];
        Assert.Equal(statuses.OrderBy(s => Array.IndexOf(order, s)), statuses);
        Assert.Contains("looking_up", statuses);
        Assert.Contains("gathering_info", statuses);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__firstLoad === true"), "the page was reloaded");

        // Nothing changes, so nothing is read: an absence can only be seen over a span of time, here longer than the
        // home's fallback poll (every 5 s while Redis is away), so a poller would have read at least once.
        var orgId = await OrgIdAsync(key);
        var quiet = system.App.LogMark;
        var read = $"Reading the workspace home of org {orgId}";
        await Task.Delay(TimeSpan.FromSeconds(6), Cancel);
        // The agent's next event still arrives, by push, in one read; a process's log lines arrive in order, so once
        // that read's line is here, any read of the quiet span would be too.
        await _agent.AppendAsync(session, new { type = "onboarding.note", ts = 1746478291000, payload = new { text = "after the claim" } });
        await Expect(page.Locator(".agent .last-events li").First).ToContainTextAsync("onboarding.note");
        await Eventually.TrueAsync(() => system.App.LoggedSince(quiet, read).Count > 0, TimeSpan.FromSeconds(30));
        Assert.Single(system.App.LoggedSince(quiet, read));

        // The site changes, the context is regenerated, and the page shows the new version and what it changed.
        site.Rewrite = html => html
            .Replace("Accounts payable on autopilot for manufacturers", "Supplier payments on autopilot for manufacturers", StringComparison.Ordinal)
            .Replace("three-way matching and supplier payments", "three-way matching, supplier payments and cash forecasting", StringComparison.Ordinal);
        await page.GotoAsync($"{system.App.WebUrl}/dashboard/context");
        await Expect(page.Locator(".diff")).ToHaveAttributeAsync("data-version", "1");
        await Expect(page.Locator(".diff .none")).ToContainTextAsync("first generation");
        await Expect(page.Locator(".company .fact[data-field='description'] .sources a").First).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow");
        await page.ClickAsync(".regenerate-form button");
        await Expect(page.Locator(".diff")).ToHaveAttributeAsync("data-version", "2", new() { Timeout = 60_000 });
        await Expect(page.Locator(".diff .change[data-part='companyContext'][data-change='changed']").First).ToBeVisibleAsync();
        await Expect(page.Locator(".diff")).ToContainTextAsync("cash forecasting");
        await Expect(page.Locator("#version-select option")).ToHaveCountAsync(2);
        await Screenshots.TakeAsync(system, context, runId: await FirstRunIdAsync(key));

        // The key never reached an address or a log.
        Assert.DoesNotContain(addresses, url => url.Contains(key, StringComparison.Ordinal));
        Assert.False(system.Logged(key), "a service logged the API key");
    }

    private async Task<string> FirstRunIdAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await system.Api.SendAsync(request, Cancel);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["runs"]!.AsArray()[^1]!["runId"]!.GetValue<string>();
    }

    private async Task<string> OrgIdAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await system.Api.SendAsync(request, Cancel);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["org"]!["id"]!.GetValue<string>();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
