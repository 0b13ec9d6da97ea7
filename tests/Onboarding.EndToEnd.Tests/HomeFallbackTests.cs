using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;

namespace Onboarding.EndToEnd.Tests;

/// <summary>Stops the shared system's Redis or its Worker, so it runs alone: every other test needs Redis for its sign-in and its push, and a Worker for its emails and runs.</summary>
[CollectionDefinition(nameof(RedisOutage), DisableParallelization = true)]
public sealed class RedisOutage;

/// <summary>The dashboard's home when Redis goes away: it says so, polls, and still shows what changes; it goes back to push.</summary>
[Collection(nameof(RedisOutage))]
public sealed class HomeFallbackTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutRedisTheHomePollsAndStillUpdatesThenGoesBackToPush()
    {
        var (session, key) = await _agent.ClaimSessionAsync("outage");
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await system.SignInToDashboardAsync(page, key);
        await Expect(page.Locator(".live")).ToHaveAttributeAsync("data-mode", "push");
        await Expect(page.Locator(".agent .last-events li").First).ToContainTextAsync("onboarding.claimed");

        await system.App.StopAsync("redis", Cancel);
        try
        {
            await Expect(page.Locator(".live")).ToHaveAttributeAsync("data-mode", "polling");
            await Expect(page.Locator(".live")).ToContainTextAsync("Checking every 5 seconds");
            // Appends go on without Redis (an in-process rate limit), and the home's next poll shows this one.
            await _agent.AppendAsync(session, new { type = "onboarding.note", ts = 1746478291000, payload = new { text = "while Redis is away" } });
            await Expect(page.Locator(".agent .last-events li").First).ToContainTextAsync("onboarding.note");
            await Expect(page.Locator(".agent .event-count")).ToHaveTextAsync("3");
        }
        finally
        {
            await system.RestartRedisAsync();
        }

        await Expect(page.Locator(".live")).ToHaveAttributeAsync("data-mode", "push");
        await _agent.AppendAsync(session, new { type = "onboarding.note", ts = 1746478292000, payload = new { text = "Redis is back" } });
        await Expect(page.Locator(".agent .event-count")).ToHaveTextAsync("4");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
