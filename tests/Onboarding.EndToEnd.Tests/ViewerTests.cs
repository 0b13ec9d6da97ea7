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
