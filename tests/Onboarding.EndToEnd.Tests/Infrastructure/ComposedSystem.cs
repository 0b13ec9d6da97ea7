using Microsoft.Playwright;
using Onboarding.Testing;

[assembly: AssemblyFixture(typeof(Onboarding.EndToEnd.Tests.Infrastructure.ComposedSystem))]

namespace Onboarding.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The whole system, composed by the AppHost exactly as a developer runs it (Postgres, Redis, migrations, Api, Worker,
/// Web as separate processes, and the Aspire dashboard) on free loopback ports, plus Debian's Chromium under Playwright.
/// Email goes through Resend's API to a fake Resend, so claim links arrive as a developer gets them.
/// </summary>
public sealed class ComposedSystem : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public ComposedApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>Every email the Worker handed to "Resend".</summary>
    public FakeResend Mailbox { get; private set; } = null!;

    /// <summary>The last lines the resources printed, for failure messages.</summary>
    public string Log => App.Log;

    /// <summary>Whether any resource printed this text, ever.</summary>
    public bool Logged(string text) => App.Logged(text);

    /// <summary>
    /// Starts Redis again and waits until the Api and the Web are back on it (their health is Degraded without it): the
    /// next test's claims are refused, and its pages poll instead of being pushed to, until then.
    /// </summary>
    public async Task RestartRedisAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        await App.RestartAsync("redis", cancel);
        using var web = new HttpClient { BaseAddress = new Uri(App.WebUrl) };
        foreach (var service in new[] { Api, web })
        {
            await Eventually.TrueAsync(async () => await service.GetStringAsync("/health", cancel) == "Healthy", TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>Signs a browser page in to the dashboard with an API key, as a developer pastes it.</summary>
    public async Task SignInToDashboardAsync(IPage page, string apiKey)
    {
        await page.GotoAsync($"{App.WebUrl}/dashboard/sign-in");
        await page.FillAsync("#api-key", apiKey);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".dashboard-nav .org")).ToBeVisibleAsync();
    }

    public async ValueTask InitializeAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        Mailbox = await FakeResend.StartAsync();
        App = await ComposedApp.StartAsync(
            new ComposedAppOptions
            {
                Dashboard = true,
                Chromium = true,
                Settings =
                {
                    ["RESEND_API_KEY"] = "re_e2e_test",
                    ["Email__Resend__BaseUrl"] = Mailbox.BaseUrl.ToString(),
                    // The fixture websites the scrape tests crawl live on loopback.
                    ["Crawler__AllowPrivateNetworks"] = "true",
                    // Every claim of the suite comes from loopback, more than the 10 in 10 minutes one address may make;
                    // the limit itself is proven by the integration tests.
                    ["RateLimits__ClaimPerIp__Limit"] = "1000",
                },
            },
            cancel);
        Api = new HttpClient { BaseAddress = new Uri(App.ApiUrl) };
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Api?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Mailbox is not null)
        {
            await Mailbox.DisposeAsync();
        }
    }
}
