using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;
using Onboarding.Testing;
using StackExchange.Redis;

namespace Onboarding.EndToEnd.Tests;

/// <summary>A 10,001-event session in Chromium: the viewer opens at the tip, reads back to the start, verifies, and stays live.</summary>
public sealed class LongSessionViewerTests(ComposedSystem system)
{
    private const int Ticks = 10_000;
    private readonly CodingAgent _agent = new(system);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATenThousandEventSessionOpensAtTheTipVerifiesAndReadsBackToTheFirstEvent()
    {
        var session = await _agent.OpenSessionAsync();
        await LongSession.AppendAsync(system.App.PostgresConnectionString, session.Id, Ticks, Cancel);
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl);

        await Expect(page.Locator("article.event[data-seq='10001']")).ToBeInViewportAsync();
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (10,001 events)", new() { Timeout = 60_000 });
        Assert.InRange(await page.Locator("article.event").CountAsync(), 1, 150);

        // Scrolling up reads older events in front of the window (the wheel over the cards, which scroll under the header).
        await page.Mouse.MoveAsync(640, 400);
        var older = page.Locator("article.event[data-seq='9900']");
        for (var i = 0; i < 100 && await older.CountAsync() == 0; i++)
        {
            await page.Mouse.WheelAsync(0, -1000);
            await page.WaitForTimeoutAsync(50);
        }

        await Expect(page.Locator("article.event[data-seq='9900']")).ToBeAttachedAsync();
        Assert.InRange(await page.Locator("article.event").CountAsync(), 1, 150);

        await page.Locator("fluent-button", new() { HasText = "Go to the first event" }).ClickAsync();
        var first = page.Locator("article.event[data-seq='1']");
        await Expect(first).ToBeInViewportAsync();
        await Expect(first).ToContainTextAsync("Session opened");
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (10,001 events)");
    }

    [Fact]
    public async Task AnAppendWhileReadingTheStartIsCountedBelowAndShownAtTheTip()
    {
        var session = await _agent.OpenSessionAsync();
        await LongSession.AppendAsync(system.App.PostgresConnectionString, session.Id, Ticks, Cancel);
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator("article.event[data-seq='10001']")).ToBeInViewportAsync();
        await page.Locator("fluent-button", new() { HasText = "Go to the first event" }).ClickAsync();
        await Expect(page.Locator("article.event[data-seq='1']")).ToBeInViewportAsync();

        await _agent.AppendAsync(session, new { type = "onboarding.first_telemetry", ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), payload = new { agent_id = "agent-after-10k" } });

        await Expect(page.Locator("li[data-edge='newer']")).ToContainTextAsync("9,952 newer events");
        await Expect(page.Locator("article.event[data-seq='1']")).ToBeInViewportAsync();
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (10,002 events)", new() { Timeout = 60_000 });
        await page.Locator("fluent-button", new() { HasText = "Go to the latest" }).ClickAsync();
        await Expect(page.Locator("article.event[data-seq='10002']")).ToBeInViewportAsync();
        await Expect(page.Locator("article.event[data-seq='10002']")).ToContainTextAsync("agent-after-10k");
    }

    [Fact]
    public async Task AtThreeHundredSixtyPixelsTheTipIsReadableAndClearOfTheFooter()
    {
        var session = await _agent.OpenSessionAsync();
        await LongSession.AppendAsync(system.App.PostgresConnectionString, session.Id, 200, Cancel);
        await _agent.AppendAsync(session, new { type = "onboarding.jurisdiction_selected", ts = 1746478291000, payload = new { jurisdiction = "AE" } });
        await using var context = await system.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(session.ViewUrl);

        var last = page.Locator("article.event[data-seq='202']");
        await Expect(last).ToBeInViewportAsync();
        await page.WaitForTimeoutAsync(500);
        var card = (await last.BoundingBoxAsync())!;
        var footer = (await page.Locator(".app-footer").BoundingBoxAsync())!;
        Assert.True(card.Y + card.Height <= footer.Y, $"the last card ends at {card.Y + card.Height}, under the footer at {footer.Y}");
        // Nothing is wider than the screen, and the time sits beside or under the title, never over it.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"));
        var title = (await last.Locator(".event-title").BoundingBoxAsync())!;
        var time = (await last.Locator(".event-meta").BoundingBoxAsync())!;
        Assert.True(time.Y >= title.Y + title.Height || time.X >= title.X + title.Width, "the time runs over the title");
        // Events from another day say which day.
        await Expect(last.Locator("time")).ToContainTextAsync("5 May 2025, 20:51:31");
    }

    [Fact]
    public async Task AClosedTabsViewerAndItsSubscriptionAreReleasedWithinAMinute()
    {
        var session = await _agent.OpenSessionAsync();
        await LongSession.AppendAsync(system.App.PostgresConnectionString, session.Id, Ticks, Cancel);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(system.App.RedisConnectionString);
        var channel = RedisChannel.Literal("onboarding:sessions:" + session.Id);
        Task<long> Subscribers() => redis.GetServers()[0].SubscriptionSubscriberCountAsync(channel);
        var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(session.ViewUrl);
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (10,001 events)", new() { Timeout = 60_000 });
        await Eventually.TrueAsync(async () => await Subscribers() == 1, TimeSpan.FromSeconds(10), "the Web to subscribe to the session");

        // Closed as a person closes a tab (its unload handlers run, so Blazor may send its disconnect beacon).
        await page.CloseAsync(new() { RunBeforeUnload = true });
        await context.DisposeAsync();

        // The circuit ends with the tab, at once when the beacon arrives, else when the Web stops keeping it for a
        // reconnect (45 s); its viewer goes with it, and the Web leaves the session's channel.
        await Eventually.TrueAsync(async () => await Subscribers() == 0, TimeSpan.FromSeconds(75), "the Web to drop the closed viewer's subscription");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
