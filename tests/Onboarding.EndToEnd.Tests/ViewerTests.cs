using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;

namespace Onboarding.EndToEnd.Tests;

/// <summary>The live viewer at <c>view_url</c>, in Chromium, against the composed system.</summary>
public sealed class ViewerTests(ComposedSystem system)
{
    private const string ScriptPayload = "<script>window.__injected = true</script><img src=x onerror=window.__injected=true>";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAppendedEventAppearsWithoutReloadAndMarkupShowsAsText()
    {
        var session = await OpenSessionAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator(".session-header")).ToContainTextAsync(session.Id);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);
        // A reload would lose this mark.
        await page.EvaluateAsync("() => window.__firstLoad = true");

        await AppendAsync(session,
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
        var session = await OpenSessionAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync($"() => new URL(location.href).searchParams.get('t') !== '{Token(session.ViewUrl)}'");

        // A reload with the rotated token is a working link.
        await page.ReloadAsync();
        await Expect(page.Locator(".session-header")).ToContainTextAsync(session.Id);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AnInvalidLinkShowsItsOwnPage()
    {
        var session = await OpenSessionAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl.Replace("?t=", "?t=x", StringComparison.Ordinal));
        await Expect(page.Locator("[data-problem='TokenInvalid']")).ToContainTextAsync("This link is invalid or was revoked");

        await page.GotoAsync($"{system.App.WebUrl}/onboarding/ses_00000000000000000000000000?t={Token(session.ViewUrl)}");
        await Expect(page.Locator("[data-problem]")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("article.event").CountAsync());
    }

    [Fact]
    public async Task AConfirmedClaimFlipsTheOpenViewerToClaimed()
    {
        var session = await OpenSessionAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);
        var slug = "e2e-" + Guid.NewGuid().ToString("N")[..8];

        using var claim = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/claim")
        {
            Content = JsonContent.Create(new { email = $"dev@{slug}.io", org_slug = slug }),
        };
        claim.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.WriteToken);
        using var requested = await system.Api.SendAsync(claim, Cancel);
        var link = new Uri(JsonNode.Parse(await requested.Content.ReadAsStringAsync(Cancel))!["magic_link_preview"]!.GetValue<string>());
        Assert.StartsWith(system.App.WebUrl, link.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal);
        using var confirmed = await system.Api.PostAsync(link.PathAndQuery, null, Cancel);
        Assert.True(confirmed.IsSuccessStatusCode, await confirmed.Content.ReadAsStringAsync(Cancel));

        await Expect(page.Locator(".claimed-banner")).ToContainTextAsync($"Claimed by {slug}");
        await Expect(page.Locator("article.event[data-type='onboarding.claimed']")).ToContainTextAsync(slug);
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (2 events)");
    }

    [Fact]
    public async Task TheViewerPageIsNeverCachedAndSendsNoReferrer()
    {
        var session = await OpenSessionAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(session.ViewUrl, Cancel);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.ToString());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        // Not prerendered: the token-bearing read happens in the circuit, not in this response.
        Assert.DoesNotContain("session-header", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private async Task<(string Id, string ViewUrl, string WriteToken)> OpenSessionAsync()
    {
        using var response = await system.Api.PostAsJsonAsync("/onboarding/sessions", new { user_agent = "e2e-agent/1.0", project_hint = "github.com/acme/e2e" }, Cancel);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        var viewUrl = body["view_url"]!.GetValue<string>();
        Assert.StartsWith(system.App.WebUrl, viewUrl, StringComparison.Ordinal);
        return (body["session_id"]!.GetValue<string>(), viewUrl, body["write_token"]!.GetValue<string>());
    }

    private async Task AppendAsync((string Id, string ViewUrl, string WriteToken) session, params object[] events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/events")
        {
            Content = JsonContent.Create(new { events }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.WriteToken);
        using var response = await system.Api.SendAsync(request, Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    private static string Token(string viewUrl) => Uri.UnescapeDataString(viewUrl[(viewUrl.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
