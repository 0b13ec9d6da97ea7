using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.EndToEnd.Tests;

/// <summary>The journey by keyboard alone (Tab and Enter, no mouse): claim, the dashboard, the context, an interview turn.</summary>
public sealed class KeyboardTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);

    [Fact]
    public async Task AClaimTheDashboardAndAnInterviewTurnNeedOnlyTheKeyboard()
    {
        var session = await _agent.OpenSessionAsync();
        var slug = "keys-" + Guid.NewGuid().ToString("N")[..8];
        var link = await _agent.RequestClaimAsync(session, $"dev@{slug}.dev", slug);
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        // The claim: confirm, and the key takes the focus the vanished button had; Tab goes on to the dashboard.
        await page.GotoAsync(link.ToString());
        await TabToAsync(page, page.Locator("fluent-button", new() { HasText = "Confirm and reveal API key" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#api-key")).ToBeFocusedAsync();
        await TabToAsync(page, page.Locator("button.open-dashboard-button"), most: 4);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".dashboard-nav .org")).ToHaveTextAsync(slug);

        // The home's navigation leads to the context and to the interview.
        await TabToAsync(page, page.Locator(".dashboard-nav a", new() { HasText = "Context" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your workspace context");
        await TabToAsync(page, page.Locator(".dashboard-nav a", new() { HasText = "Interview" }));
        await page.Keyboard.PressAsync("Enter");

        // An interview turn: start, type the answer where the focus lands, send, and the box has the focus again.
        await TabToAsync(page, page.Locator("button.start"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#answer")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(ScriptedFounder.Answers[0]);
        await TabToAsync(page, page.Locator("button.send"), most: 2);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".saved")).ToHaveTextAsync("Saved ✓ v1");
        await Expect(page.Locator("#answer")).ToBeFocusedAsync();
    }

    /// <summary>
    /// Presses Tab until <paramref name="target"/> has the focus, as a keyboard user reaches it, within
    /// <paramref name="most"/> presses (the order of the page); a native control there must show its focus.
    /// </summary>
    private static async Task TabToAsync(IPage page, ILocator target, int most = 30)
    {
        await Expect(target).ToBeVisibleAsync();
        for (var pressed = 0; pressed < most; pressed++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await target.EvaluateAsync<bool>("el => el === document.activeElement"))
            {
                var outline = await target.EvaluateAsync<string>("el => el.shadowRoot ? 'shadow' : getComputedStyle(el).outlineStyle");
                Assert.NotEqual("none", outline);
                return;
            }
        }

        var focused = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"{most} presses of Tab did not reach {target}; the focus is on {focused}");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
