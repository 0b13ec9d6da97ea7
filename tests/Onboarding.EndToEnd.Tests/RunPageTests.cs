using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.EndToEnd.Tests;

/// <summary>
/// A run's page follows its run by push while Redis is up, reading nothing on a timer, and polls only while Redis is
/// away. These stop the Worker or Redis of the shared system, so they run alone.
/// </summary>
[Collection(nameof(RedisOutage))]
public sealed class RunPageTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARunsPageReadsOnlyWhenItsRunMovesAndShowsItFinishWithoutAReload()
    {
        await using var site = await FixtureSite.StartAsync();
        var (session, key) = await _agent.ClaimSessionAsync("run");
        await using var context = await system.Browser.NewContextAsync();
        var home = await context.NewPageAsync();
        await system.SignInToDashboardAsync(home, key);
        await Expect(home.Locator(".live")).ToHaveAttributeAsync("data-mode", "push");

        // Without a Worker the run stays queued: nothing moves it, so a page that follows it by push reads nothing.
        await system.App.StopAsync("worker", Cancel);
        string runId;
        var page = await context.NewPageAsync();
        try
        {
            runId = await StartScrapeAsync(key, site.BaseUrl);
            await page.GotoAsync($"{system.App.WebUrl}/dashboard/runs/{runId}");
            await Expect(page.Locator(".run")).ToHaveAttributeAsync("data-state", "queued");
            await Expect(page.Locator(".run .live")).ToHaveAttributeAsync("data-mode", "push");

            // Longer than the fallback poll (5 s), so a poller would have read at least once. The home's read of the
            // agent's next event is logged by the same Web after any read of the quiet span, so once it is here, those are.
            // Only the timer's reads count: Redis's connection events wake a page too (a reconnection reads once, for what
            // the outage hid), and the last test of this collection may have restarted Redis moments before.
            var quiet = system.App.LogMark;
            await Task.Delay(TimeSpan.FromSeconds(6), Cancel);
            await _agent.AppendAsync(session, new { type = "onboarding.note", ts = 1746478291000, payload = new { text = "marks the quiet span's end" } });
            await Expect(home.Locator(".agent .last-events li").First).ToContainTextAsync("onboarding.note");
            await Eventually.TrueAsync(() => system.App.LoggedSince(quiet, "Reading the workspace home of org").Count > 0, TimeSpan.FromSeconds(30));
            Assert.Empty(system.App.LoggedSince(quiet, $"Reading run {runId} for its page (poll)"));
        }
        finally
        {
            await system.App.RestartAsync("worker", Cancel);
        }

        // The Worker runs it; the page shows every step to the end without a reload.
        await Expect(page.Locator(".run")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
        await Expect(page.Locator(".run .stepper .step.done")).ToHaveCountAsync(5);
        await Expect(page.Locator(".timeline .step[data-name='write_profile']")).ToHaveCountAsync(1);
        await Expect(page.Locator(".run .live")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task WithoutRedisARunsPagePollsAndStillShowsItsRunFinish()
    {
        await using var site = await FixtureSite.StartAsync();
        var key = await _agent.ClaimWorkspaceAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await system.SignInToDashboardAsync(page, key);
        site.Hold("/robots.txt");
        var runId = await StartScrapeAsync(key, site.BaseUrl);
        await page.GotoAsync($"{system.App.WebUrl}/dashboard/runs/{runId}");
        await Expect(page.Locator(".run .live")).ToHaveAttributeAsync("data-mode", "push");
        await Expect(page.Locator(".run .stepper .step[data-status='looking_up']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("current"));

        await system.App.StopAsync("redis", Cancel);
        try
        {
            await Expect(page.Locator(".run .live")).ToHaveAttributeAsync("data-mode", "polling");
            site.Release("/robots.txt");
            await Expect(page.Locator(".run")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
            await Expect(page.Locator(".run .stepper .step.done")).ToHaveCountAsync(5);
        }
        finally
        {
            await system.RestartRedisAsync();
        }
    }

    private async Task<string> StartScrapeAsync(string key, Uri website)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/onboarding/start-scraping") { Content = JsonContent.Create(new { website = website.ToString() }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await system.Api.SendAsync(request, Cancel);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["runId"]!.GetValue<string>();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
