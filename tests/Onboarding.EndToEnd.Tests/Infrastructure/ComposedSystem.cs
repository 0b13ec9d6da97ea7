using Microsoft.Playwright;
using Onboarding.AppHost.Hosting;
using Onboarding.Testing;

[assembly: AssemblyFixture(typeof(Onboarding.EndToEnd.Tests.Infrastructure.ComposedSystem))]

namespace Onboarding.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The whole system, composed by the AppHost exactly as a developer runs it (Postgres, Redis, migrations,
/// Api, Worker, Web as separate processes) on free loopback ports, plus Debian's Chromium under Playwright.
/// Email goes through Resend's API to a fake Resend, so claim links arrive as a developer gets them.
/// </summary>
public sealed class ComposedSystem : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("onboarding-e2e-");
    private readonly List<string> _log = [];
    private IPlaywright? _playwright;

    public DistributedApplication App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>Every email the Worker handed to "Resend".</summary>
    public FakeResend Mailbox { get; private set; } = null!;

    /// <summary>Everything the services printed so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log.TakeLast(200));
            }
        }
    }

    /// <summary>Whether any service printed this text, ever.</summary>
    public bool Logged(string text)
    {
        lock (_log)
        {
            return _log.Exists(line => line.Contains(text, StringComparison.Ordinal));
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
        await Prerequisites.EnsureAsync(postgres: true, redis: true, chromium: true, Collect, cancel);
        // When the tests run as root, the postgres user must be able to reach the data directory.
        File.SetUnixFileMode(_data.FullName, (UnixFileMode)0b111_101_101);
        Mailbox = await FakeResend.StartAsync();
        App = new DistributedApplication(
            new AppHostOptions
            {
                DataDirectory = _data.FullName,
                Ephemeral = true,
                ApiPort = 0,
                WebPort = 0,
                WorkerPort = 0,
                PostgresPort = 0,
                RedisPort = 0,
                ServiceSettings =
                {
                    ["RESEND_API_KEY"] = "re_e2e_test",
                    ["Email__Resend__BaseUrl"] = Mailbox.BaseUrl.ToString(),
                    // The fixture websites the scrape tests crawl live on loopback.
                    ["Crawler__AllowPrivateNetworks"] = "true",
                },
            },
            Collect);
        try
        {
            await App.StartAsync(cancel);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"The system did not start: {e.Message}\n{Log}", e);
        }

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
        await App.StopAsync();
        if (Mailbox is not null)
        {
            await Mailbox.DisposeAsync();
        }

        _data.Delete(recursive: true);
    }

    private void Collect(string resource, string line)
    {
        lock (_log)
        {
            _log.Add($"{resource} | {line}");
        }
    }
}
