using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Onboarding.EndToEnd.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.EndToEnd.Tests;

/// <summary>The workspace contract's scrape on the composed system: the Api queues it, a separate Worker process crawls and generates.</summary>
public sealed class ScrapeTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheStatusStreamFollowsAScrapeFromPendingToCompleted()
    {
        await using var site = await FixtureSite.StartAsync();
        var key = await _agent.ClaimWorkspaceAsync();

        using var start = Request(HttpMethod.Post, "/api/onboarding/start-scraping", key);
        start.Content = JsonContent.Create(new { website = site.BaseUrl.ToString() });
        using var started = await system.Api.SendAsync(start, Cancel);
        var body = JsonNode.Parse(await started.Content.ReadAsStringAsync(Cancel))!;
        Assert.True(started.IsSuccessStatusCode, body.ToJsonString());

        using var follow = Request(HttpMethod.Get, $"/api/onboarding/status/stream?sessionId={body["sessionId"]}", key);
        using var stream = await system.Api.SendAsync(follow, HttpCompletionOption.ResponseHeadersRead, Cancel);
        // The stream ends by itself once the session is completed or failed.
        var events = (await stream.Content.ReadAsStringAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(90), Cancel))
            .Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l[6..])!).ToList();

        var statuses = events.Select(e => e["status"]!.GetValue<string>()).Distinct().ToList();
        Assert.True(statuses[^1] == "completed", $"{string.Join(" → ", statuses)}\n{system.Log}");
        Assert.Equal(FixtureSite.CompanyName, events[^1]["companyName"]!.GetValue<string>());
        Assert.Equal(10, events[^1]["pagesFetched"]!.GetValue<int>());
        // Statuses only ever move forward.
        string[] order = ["pending", "looking_up", "gathering_info", "generating_context", "completed"];
        Assert.Equal(statuses.OrderBy(s => Array.IndexOf(order, s)), statuses);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }
}
