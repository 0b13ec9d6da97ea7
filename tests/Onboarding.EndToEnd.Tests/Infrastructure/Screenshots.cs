using Microsoft.Playwright;

namespace Onboarding.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The dashboard's screenshots in docs/, taken from a real journey: with <c>ONBOARDING_SCREENSHOTS</c> set to a
/// folder, the home, a run and the context with its diff are shot in the light and the dark theme (the page follows the
/// browser's colour scheme). Without it, nothing is written.
/// </summary>
public static class Screenshots
{
    public static async Task TakeAsync(ComposedSystem system, IBrowserContext signedIn, string runId)
    {
        if (Environment.GetEnvironmentVariable("ONBOARDING_SCREENSHOTS") is not { Length: > 0 } folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var state = await signedIn.StorageStateAsync();
        (string Name, string Path, string Ready)[] shots =
        [
            ("dashboard-home", "/dashboard", ".website .session[data-status='completed']"),
            ("dashboard-run", $"/dashboard/runs/{runId}", ".timeline .step"),
            ("dashboard-context", "/dashboard/context", ".diff[data-version='2']"),
        ];
        // The layout scrolls inside its content area, so a tall window shows a whole page, and the shot is of its main part.
        foreach (var (scheme, width, suffix) in new[] { (ColorScheme.Light, 1280, "light"), (ColorScheme.Dark, 1280, "dark") })
        {
            await using var context = await system.Browser.NewContextAsync(new()
            {
                StorageState = state,
                ColorScheme = scheme,
                ViewportSize = new() { Width = width, Height = 3000 },
            });
            var shot = await context.NewPageAsync();
            foreach (var (name, path, ready) in shots)
            {
                await shot.GotoAsync(system.App.WebUrl + path);
                try
                {
                    await Assertions.Expect(shot.Locator(ready).First).ToBeVisibleAsync();
                }
                catch (PlaywrightException e)
                {
                    throw new InvalidOperationException($"{name} {suffix}: {e.Message}\n{system.Log[^20000..]}", e);
                }
                await shot.Locator("main.page").ScreenshotAsync(new() { Path = System.IO.Path.Combine(folder, $"{name}-{suffix}.png") });
            }
        }
    }
}
