using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.EndToEnd.Tests;

/// <summary>The developer dashboard in Chromium on the composed system: sign in with the key, onboard, read the context.</summary>
public sealed class DashboardTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);


    [Fact]
    public async Task ADeveloperSignsInWithTheKeyOnboardsTheSiteAndReadsTheContext()
    {
        await using var site = await FixtureSite.StartAsync();
        var key = await _agent.ClaimWorkspaceAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var pages = new List<string>();
        page.Response += (_, response) => pages.Add(response.Url);

        // Signed out: the dashboard sends to sign-in, which is never cached.
        var signIn = await page.GotoAsync($"{system.App.WebUrl}/dashboard");
        Assert.EndsWith("/dashboard/sign-in?ReturnUrl=%2Fdashboard", page.Url, StringComparison.Ordinal);
        Assert.Equal("no-store", (await signIn!.AllHeadersAsync())["cache-control"]);

        // A wrong key is refused.
        await page.FillAsync("#api-key", "onb_not-a-real-key");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator(".message.error")).ToContainTextAsync("not accepted");

        // The right key signs in; the page shows the org, never the key.
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator(".dashboard-nav .org")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^ws-"));
        await Expect(page.Locator(".empty")).ToContainTextAsync("No onboarding yet");

        await page.FillAsync("#website", site.BaseUrl.ToString());
        await page.ClickAsync(".start-form button");
        await Expect(page.Locator(".session")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 60_000 });
        await Expect(page.Locator(".session .company")).ToHaveTextAsync(FixtureSite.CompanyName);
        await Expect(page.Locator(".session .pages")).ToHaveTextAsync("10 fetched of 16 found");
        await Expect(page.Locator(".stepper .step.done")).ToHaveCountAsync(5);
        await Expect(page.Locator(".session .trace-id")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        // The trace id opens the trace in this run's Aspire dashboard.
        var traceId = await page.Locator(".session .trace-id").TextContentAsync();
        await Expect(page.Locator(".session a.trace-id")).ToHaveAttributeAsync("href", $"{system.App.DashboardUrl!.GetLeftPart(UriPartial.Authority)}/traces/detail/{traceId}");

        // The run's timeline of steps.
        await page.ClickAsync(".session .run-id a");
        await Expect(page.Locator(".timeline .step[data-name='write_profile']")).ToHaveCountAsync(1);
        await Expect(page.Locator(".timeline .step[data-name='generate.icp']")).ToHaveCountAsync(1);

        // The context, with its sources, and regenerate waiting out its day after one use.
        await page.GotoAsync($"{system.App.WebUrl}/dashboard/context");
        await Expect(page.Locator(".company .name")).ToHaveTextAsync(FixtureSite.CompanyName);
        await Expect(page.Locator(".icp")).ToContainTextAsync("Manufacturing");
        await Expect(page.Locator(".company .sources a").First).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow");
        await page.ClickAsync(".regenerate-form button");
        await Expect(page.Locator(".cooldown")).ToContainTextAsync("Available again at");
        await Expect(page.Locator(".regenerate-form button")).ToBeDisabledAsync();

        // The key is in no page and no address.
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(pages, url => url.Contains(key, StringComparison.Ordinal));
        Assert.False(system.Logged(key), "a service logged the API key");

        // Signing out ends the session: the dashboard asks to sign in again.
        await page.GotoAsync($"{system.App.WebUrl}/dashboard");
        await page.ClickAsync(".sign-out");
        await Expect(page.Locator(".message.info")).ToHaveTextAsync("You are signed out.");
        await page.GotoAsync($"{system.App.WebUrl}/dashboard");
        Assert.Contains("/dashboard/sign-in", page.Url, StringComparison.Ordinal);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
