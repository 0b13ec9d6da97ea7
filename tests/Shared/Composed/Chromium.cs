using Microsoft.Playwright;
using Onboarding.AppHost.Hosting;

namespace Onboarding.Testing;

/// <summary>Debian's Chromium under Playwright, launched the one way this machine allows (never a downloaded browser).</summary>
public static class Chromium
{
    /// <summary>
    /// Headless, without sandbox (CI runs as root), GPU or background traffic. An expectation waits up to 30 s for the
    /// page to reach what it expects (Playwright's 5 s is short on two cores shared with the whole composed system);
    /// it returns as soon as the page gets there, so a passing test is no slower.
    /// </summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assertions.SetDefaultExpectTimeout(30_000);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Prerequisites.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }
}
