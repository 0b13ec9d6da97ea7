using Microsoft.Playwright;

namespace Onboarding.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The screenshots in docs/, taken from real journeys: with <c>ONBOARDING_SCREENSHOTS</c> set to a folder, the
/// dashboard's home, a run and the context with its diff, and the session viewer on a phone, are shot in the light and
/// the dark theme (the page follows the browser's colour scheme). Without it, nothing is written.
/// </summary>
public static class Screenshots
{
    private static string? Folder => Environment.GetEnvironmentVariable("ONBOARDING_SCREENSHOTS") is { Length: > 0 } folder
        ? Directory.CreateDirectory(folder).FullName
        : null;

    /// <summary>The viewer of <paramref name="viewUrl"/> on a phone's screen (390 × 844), once its events are in.</summary>
    public static async Task TakeViewerAsync(ComposedSystem system, string viewUrl, int events)
    {
        if (Folder is not { } folder)
        {
            return;
        }

        foreach (var (scheme, suffix) in new[] { (ColorScheme.Light, "light"), (ColorScheme.Dark, "dark") })
        {
            await using var context = await system.Browser.NewContextAsync(new()
            {
                ColorScheme = scheme,
                ViewportSize = new() { Width = 390, Height = 844 },
                DeviceScaleFactor = 2,
                IsMobile = true,
                HasTouch = true,
            });
            var shot = await context.NewPageAsync();
            await shot.GotoAsync(viewUrl);
            await Assertions.Expect(shot.Locator("article.event")).ToHaveCountAsync(events);
            // The viewer opens at the newest event; the shot is of the top, where the session and its chain are.
            await shot.EvaluateAsync("() => { for (const el of document.querySelectorAll('*')) if (el.scrollTop > 0) el.scrollTop = 0; }");
            await Assertions.Expect(shot.Locator(".session-header")).ToBeInViewportAsync();
            await shot.ScreenshotAsync(new() { Path = System.IO.Path.Combine(folder, $"viewer-phone-{suffix}.png") });
        }
    }

    public static async Task TakeAsync(ComposedSystem system, IBrowserContext signedIn, string runId)
    {
        if (Folder is not { } folder)
        {
            return;
        }

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
