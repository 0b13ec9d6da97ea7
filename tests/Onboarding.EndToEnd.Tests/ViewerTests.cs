using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;

namespace Onboarding.EndToEnd.Tests;

/// <summary>The live viewer at <c>view_url</c>, in Chromium, against the composed system.</summary>
public sealed class ViewerTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);

    private const string ScriptPayload = "<script>window.__injected = true</script><img src=x onerror=window.__injected=true>";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAppendedEventAppearsWithoutReloadAndMarkupShowsAsText()
    {
        var session = await _agent.OpenSessionAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator(".session-header")).ToContainTextAsync(session.Id);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);
        // A reload would lose this mark.
        await page.EvaluateAsync("() => window.__firstLoad = true");

        await _agent.AppendAsync(session,
            new { type = "onboarding.jurisdiction_selected", ts = 1746478291000, payload = new { jurisdiction = "EU" } },
            new { type = "onboarding.note", ts = 1746478292000, payload = new { text = ScriptPayload } });

        await Expect(page.Locator("article.event")).ToHaveCountAsync(3);
        await Expect(page.Locator("article.event[data-seq='3']")).ToContainTextAsync(ScriptPayload);
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (3 events)");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__firstLoad === true"), "the page was reloaded");
        Assert.False(await page.EvaluateAsync<bool>("() => window.__injected === true"), "the payload's markup ran in the page");
        Assert.Equal(0, await page.Locator("article.event script, article.event img").CountAsync());
    }

    [Fact]
    public async Task OnAPhoneEveryKindOfEventFitsTheScreen()
    {
        var session = await _agent.OpenSessionAsync();
        await _agent.AppendAsync(session,
            new { type = "onboarding.jurisdiction_selected", ts = 1746478291000, payload = new { jurisdiction = "EU" } },
            new { type = "onboarding.capabilities_inferred", ts = 1746478292000, payload = new { input = "A support assistant that answers customers about their orders and refunds", capabilities = new[] { "consumer_chatbot", "pii_processing" }, inferred_tier = "high" } },
            new
            {
                type = "onboarding.repo_scanned",
                ts = 1746478293000,
                payload = new
                {
                    frameworks = new[] { "langchain", "openai" },
                    agents = new object[]
                    {
                        new { path = "services/support/src/agents/order_assistant/support_bot.py", framework = "langchain", model = "gpt-4o-2024-08-06", capabilities = new[] { "consumer_chatbot", "pii_processing" }, tier = "high" },
                        new { path = "jobs/triage.ts", framework = "openai", capabilities = Array.Empty<string>(), tier = "minimal" },
                    },
                },
            },
            new { type = "onboarding.sdk_installed", ts = 1746478294000, payload = new { language = "py", agent_count = 2 } },
            new { type = "onboarding.first_telemetry", ts = 1746478295000, payload = new { agent_id = "support_bot" } });
        await using var context = await system.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(6);
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (6 events)");

        // Nothing is wider than the screen: long paths and model names wrap, the agents' table fits or scrolls inside its card.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page scrolls sideways");
        var wider = await page.EvaluateAsync<string[]>("""
            () => {
              const clipped = el => {
                for (let p = el.parentElement; p && p.tagName !== 'ARTICLE'; p = p.parentElement)
                  if (getComputedStyle(p).overflowX !== 'visible') return true;
                return false;
              };
              return [...document.querySelectorAll('article.event *')]
                .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5 && !clipped(el))
                .map(el => `${el.tagName.toLowerCase()}.${el.className}`);
            }
            """);
        Assert.Empty(wider);
        // Every agent's tier is in sight, not in a column off the screen's edge.
        await Expect(page.Locator(".agents td[col-index='5']")).ToHaveCountAsync(2);
        var tierEdges = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll(\".agents td[col-index='5']\")].map(td => td.getBoundingClientRect().right)");
        Assert.All(tierEdges, edge => Assert.True(edge <= 390, $"a tier ends at {edge}, past the screen"));

        await Screenshots.TakeViewerAsync(system, session.ViewUrl, events: 6);
    }

    [Fact]
    public async Task TheTokenInTheAddressBarRotatesAndStillOpensTheSession()
    {
        var session = await _agent.OpenSessionAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync($"() => new URL(location.href).searchParams.get('t') !== '{session.ViewToken}'");

        // A reload with the rotated token is a working link.
        await page.ReloadAsync();
        await Expect(page.Locator(".session-header")).ToContainTextAsync(session.Id);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AnInvalidLinkShowsItsOwnPage()
    {
        var session = await _agent.OpenSessionAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl.Replace("?t=", "?t=x", StringComparison.Ordinal));
        await Expect(page.Locator("[data-problem='TokenInvalid']")).ToContainTextAsync("This link is invalid or was revoked");

        await page.GotoAsync($"{system.App.WebUrl}/onboarding/ses_00000000000000000000000000?t={session.ViewToken}");
        await Expect(page.Locator("[data-problem]")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("article.event").CountAsync());
    }

    [Fact]
    public async Task AConfirmedClaimFlipsTheOpenViewerToClaimed()
    {
        var session = await _agent.OpenSessionAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);
        var slug = "e2e-" + Guid.NewGuid().ToString("N")[..8];

        var link = await _agent.RequestClaimAsync(session, $"dev@{slug}.io", slug);
        using var confirmed = await system.Api.PostAsync(link.PathAndQuery, null, Cancel);
        Assert.True(confirmed.IsSuccessStatusCode, await confirmed.Content.ReadAsStringAsync(Cancel));

        await Expect(page.Locator(".claimed-banner")).ToContainTextAsync($"Claimed by {slug}");
        await Expect(page.Locator("article.event[data-type='onboarding.claimed']")).ToContainTextAsync(slug);
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (2 events)");
    }

    [Fact]
    public async Task TheViewerPageIsNeverCachedAndSendsNoReferrer()
    {
        var session = await _agent.OpenSessionAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(session.ViewUrl, Cancel);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.ToString());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        // Not prerendered: the token-bearing read happens in the circuit, not in this response.
        Assert.DoesNotContain("session-header", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
