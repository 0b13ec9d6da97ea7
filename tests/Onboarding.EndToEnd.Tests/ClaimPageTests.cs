using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;

namespace Onboarding.EndToEnd.Tests;

/// <summary>
/// The developer's side of a claim, in Chromium against the composed system: the link arrives by email
/// (through the Worker's outbox and a fake Resend), the page previews, confirms and reveals the key once.
/// </summary>
public sealed class ClaimPageTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheEmailedLinkPreviewsThenConfirmsAndShowsTheKeyOnce()
    {
        var session = await _agent.OpenSessionAsync();
        var slug = NewSlug();
        var link = await _agent.RequestClaimAsync(session, $"Ada@{slug}.dev", slug);
        await using var context = await system.Browser.NewContextAsync();
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = system.App.WebUrl });
        var page = await context.NewPageAsync();

        // The preview shows what will be claimed and changes nothing.
        await page.GotoAsync(link.ToString());
        await Expect(page.Locator(".ready .slug")).ToHaveTextAsync(slug);
        await Expect(page.Locator(".ready .email")).ToHaveTextAsync($"ada@{slug}.dev");
        await Expect(page.Locator(".ready .session")).ToHaveTextAsync(session.Id);
        await page.ReloadAsync();
        await Expect(page.Locator(".ready .slug")).ToHaveTextAsync(slug);

        // Confirming creates the org and reveals its key, with a warning and a copy button.
        await ConfirmButton(page).ClickAsync();
        await Expect(page.Locator(".reveal .org")).ToHaveTextAsync(slug);
        await Expect(page.Locator(".reveal")).ToContainTextAsync("it is shown only once");
        var key = await page.Locator("#api-key").InputValueAsync();
        Assert.StartsWith("onb_", key, StringComparison.Ordinal);
        await page.Locator("fluent-button", new() { HasText = "Copy" }).ClickAsync();
        await Expect(page.Locator(".copy-status")).ToHaveTextAsync("Copied to the clipboard.");
        Assert.Equal(key, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // The key is real: it identifies the new org.
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var identified = await system.Api.SendAsync(me, Cancel);
        var body = await identified.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, identified.StatusCode);
        Assert.Equal(slug, JsonNode.Parse(body)!["org"]!["slug"]!.GetValue<string>());

        // Reloading never shows the key again.
        await page.ReloadAsync();
        await Expect(page.Locator("[data-problem='AlreadyConfirmed']")).ToContainTextAsync("This claim is already confirmed");
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);

        // No service wrote the link's token or the key to its log.
        Assert.False(system.Logged(link.Query[3..]), "a service logged the claim token");
        Assert.False(system.Logged(key), "a service logged the API key");
    }

    [Fact]
    public async Task OnlyTheNewestLinkOpensAndABrokenOneSaysSo()
    {
        var session = await _agent.OpenSessionAsync();
        var slug = NewSlug();
        var first = await _agent.RequestClaimAsync(session, $"dev@{slug}.dev", slug);
        var second = await _agent.RequestClaimAsync(session, $"dev@{slug}.dev", slug);
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(first.ToString());
        await Expect(page.Locator("[data-problem='TokenInvalid']")).ToContainTextAsync("This link is not valid");
        Assert.Equal(0, await ConfirmButton(page).CountAsync());

        await page.GotoAsync(second.ToString()[..^4]);
        await Expect(page.Locator("[data-problem='TokenInvalid']")).ToBeVisibleAsync();

        await page.GotoAsync(second.ToString());
        await Expect(page.Locator(".ready .slug")).ToHaveTextAsync(slug);
    }

    [Fact]
    public async Task TheClaimPageIsNeverCachedSendsNoReferrerAndHoldsNoClaimData()
    {
        var session = await _agent.OpenSessionAsync();
        var slug = NewSlug();
        var link = await _agent.RequestClaimAsync(session, $"dev@{slug}.dev", slug);
        using var http = new HttpClient();

        // What a link scanner gets: a shell with no preview in it.
        using var response = await http.GetAsync(link, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.ToString());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.DoesNotContain(slug, await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    // Fluent's buttons are custom elements whose role lives in ElementInternals, which Playwright's role queries do not see.
    private static ILocator ConfirmButton(IPage page) => page.Locator("fluent-button", new() { HasText = "Confirm and reveal API key" });

    private static string NewSlug() => "e2e-" + Guid.NewGuid().ToString("N")[..8];

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
