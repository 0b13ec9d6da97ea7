using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;

namespace Onboarding.EndToEnd.Tests;

/// <summary>
/// A key rotated elsewhere ends the dashboard sign-ins that hold the old one: a page opened afterwards and a live home
/// that is already open both send the browser back to sign in, saying why.
/// </summary>
public sealed class KeyRotationTests(ComposedSystem system)
{
    private const string Revoked = "Your API key was revoked or rotated. Sign in with the new key.";

    private readonly CodingAgent _agent = new(system);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARotatedKeySendsTheNextPageAndTheLiveHomeBackToSignIn()
    {
        var (session, key) = await _agent.ClaimSessionAsync("rotate");
        // Two sign-ins with the same key: one keeps the live home open, the other has no page open when the key goes.
        await using var live = await system.Browser.NewContextAsync();
        var home = await live.NewPageAsync();
        await system.SignInToDashboardAsync(home, key);
        await Expect(home.Locator(".live")).ToHaveAttributeAsync("data-mode", "push");
        await using var later = await system.Browser.NewContextAsync();
        var next = await later.NewPageAsync();
        await system.SignInToDashboardAsync(next, key);
        await next.GotoAsync("about:blank");

        using var rotate = new HttpRequestMessage(HttpMethod.Post, "/api/keys/rotate");
        rotate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using (var rotated = await system.Api.SendAsync(rotate, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        // The open home learns of it at its next read (the agent's next event wakes one, if nothing did before).
        await _agent.AppendAsync(session, new { type = "onboarding.note", ts = 1746478291000, payload = new { text = "after the rotation" } });
        await Expect(home.Locator(".message.error")).ToHaveTextAsync(Revoked);
        Assert.Contains("/dashboard/sign-in", home.Url, StringComparison.Ordinal);

        // A page opened now reads with the old key, is refused, and asks for the new one.
        await next.GotoAsync($"{system.App.WebUrl}/dashboard/context");
        await Expect(next.Locator(".message.error")).ToHaveTextAsync(Revoked);

        // Either sign-in is over: the dashboard asks for a key again.
        await home.GotoAsync($"{system.App.WebUrl}/dashboard");
        Assert.Contains("/dashboard/sign-in", home.Url, StringComparison.Ordinal);
        await next.GotoAsync($"{system.App.WebUrl}/dashboard");
        Assert.Contains("/dashboard/sign-in", next.Url, StringComparison.Ordinal);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
