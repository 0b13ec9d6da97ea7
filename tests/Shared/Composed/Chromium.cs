using Microsoft.Playwright;
using Onboarding.AppHost.Hosting;

namespace Onboarding.Testing;

/// <summary>Debian's Chromium under Playwright, launched the one way this machine allows (never a downloaded browser).</summary>
public static class Chromium
{
    /// <summary>Headless, without sandbox (CI runs as root), GPU or background traffic.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Prerequisites.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
}
