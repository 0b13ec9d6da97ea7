using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Onboarding.Reliability.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.Reliability.Tests;

/// <summary>
/// Races fought across two Api processes (the in-process tests race within one): whatever each instance caches or
/// locks in memory cannot decide them, only Postgres can. Each has exactly one winner.
/// </summary>
public sealed class RaceTests(ScaledSystem system)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwentyConfirmsOfOneLinkOnTwoInstancesCreateOneOrg()
    {
        var session = await system.Clients[0].OpenSessionAsync(Cancel);
        var slug = "race-" + Guid.NewGuid().ToString("N")[..8];
        var link = await system.Clients[0].RequestClaimAsync(session, $"dev@{slug}.dev", slug, Cancel);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await Client(i).Http.PostAsync(new Uri(Client(i).BaseAddress, link.PathAndQuery), null, Cancel);
            return response.StatusCode;
        }));

        Assert.Single(statuses, HttpStatusCode.OK);
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Conflict, s));
        Assert.Equal(1, await system.CountAsync("SELECT count(*) FROM orgs WHERE slug = $1", slug));
        Assert.Equal(1, await system.CountAsync("SELECT count(*) FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE o.slug = $1", slug));
        Outcomes.Record($"20 concurrent confirms of one link over 2 Api instances: 1 × 200, {statuses.Count(s => s == HttpStatusCode.Conflict)} × 409; 1 org, 1 key.");
    }

    [Fact]
    public async Task TwoSessionsConfirmingOneSlugOnTwoInstancesCreateOneOrg()
    {
        var slug = "race-" + Guid.NewGuid().ToString("N")[..8];
        var links = new List<Uri>();
        for (var i = 0; i < 2; i++)
        {
            var session = await Client(i).OpenSessionAsync(Cancel);
            links.Add(await Client(i).RequestClaimAsync(session, $"dev{i}@{slug}-{i}.dev", slug, Cancel));
        }

        var answers = await Task.WhenAll(links.Select(async (link, i) =>
        {
            using var response = await Client(i).Http.PostAsync(new Uri(Client(i).BaseAddress, link.PathAndQuery), null, Cancel);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Cancel));
        }));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Conflict && a.Body.Contains("org_slug_taken", StringComparison.Ordinal));
        Assert.Equal(1, await system.CountAsync("SELECT count(*) FROM orgs WHERE slug = $1", slug));
        Outcomes.Record("two sessions confirming one slug at once on 2 Api instances: 1 × 200, 1 × 409 org_slug_taken; 1 org.");
    }

    [Fact]
    public async Task TenRegeneratesOnTwoInstancesRunOnce()
    {
        var workspace = await Client(0).ClaimWorkspaceAsync(Cancel);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Client(i).BaseAddress, "/api/context/regenerate"))
            {
                Content = JsonContent.Create(new { website = system.Site.BaseUrl.ToString() }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", workspace.ApiKey);
            using var response = await Client(i).Http.SendAsync(request, Cancel);
            return response.StatusCode;
        }));

        Assert.Single(statuses, HttpStatusCode.OK);
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(1, await system.CountAsync("SELECT count(*) FROM jobs WHERE org_id = $1 AND kind = 'regenerate'", workspace.OrgId));
        Outcomes.Record("10 concurrent regenerates on 2 Api instances: 1 × 200, 9 × 429; 1 job.");
    }

    [Fact]
    public async Task ConcurrentSavesOfOneTurnOnTwoInstancesWriteItOnce()
    {
        var workspace = await Client(0).ClaimWorkspaceAsync(Cancel);
        var started = await PostAsync(0, workspace.ApiKey, "/api/interview/start", new { });
        var interviewId = JsonNode.Parse(await started.Content.ReadAsStringAsync(Cancel))!["sessionId"]!.GetValue<string>();

        // Twenty retries of one save (one message id), and two tabs saving different answers on the same version.
        var same = Enumerable.Range(0, 20).Select(i => SaveAsync(i, workspace.ApiKey, interviewId, "msg-same", ScriptedFounder.Answers[0], 0));
        var duplicates = await Task.WhenAll(same);
        Assert.Equal(1, duplicates.Count(d => d == (200, "committed")));
        Assert.Equal(19, duplicates.Count(d => d == (200, "duplicate")));

        var tabs = await Task.WhenAll(
            SaveAsync(0, workspace.ApiKey, interviewId, "tab-a", ScriptedFounder.Answers[1], 1),
            SaveAsync(1, workspace.ApiKey, interviewId, "tab-b", "Something else entirely.", 1));
        Assert.Contains((200, "committed"), tabs);
        Assert.Contains((409, "version_conflict"), tabs);
        Assert.Equal(2, await system.CountAsync("SELECT count(*) FROM interview_turns WHERE session_id = $1", interviewId));
        Outcomes.Record("20 identical saves over 2 Api instances: 1 committed, 19 duplicate; two tabs on one version: 1 committed, 1 version_conflict; 2 turns stored.");
    }

    private Bench.Infrastructure.OnboardingClient Client(int i) => system.Clients[i % system.Clients.Count];

    private async Task<HttpResponseMessage> PostAsync(int instance, string apiKey, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Client(instance).BaseAddress, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var response = await Client(instance).Http.SendAsync(request, Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
        return response;
    }

    private async Task<(int Status, string Outcome)> SaveAsync(int instance, string apiKey, string interviewId, string messageId, string answer, int version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Client(instance).BaseAddress, "/api/chat/save"))
        {
            Content = JsonContent.Create(new
            {
                sessionId = interviewId,
                messageId,
                userMessage = new { role = "user", content = answer, timestamp = DateTimeOffset.UtcNow },
                assistantMessage = new { role = "assistant", content = "Thanks.", timestamp = DateTimeOffset.UtcNow },
                expectedVersion = version,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await Client(instance).Http.SendAsync(request, Cancel);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        return ((int)response.StatusCode, body["status"]?.GetValue<string>() ?? body.ToJsonString());
    }
}
