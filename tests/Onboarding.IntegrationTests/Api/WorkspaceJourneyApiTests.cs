using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.Data.Infrastructure;
using Microsoft.Extensions.Hosting;
using Onboarding.Data.Model;
using Onboarding.IntegrationTests.Infrastructure;
using StackExchange.Redis;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>What the dashboard's live home reads and listens to: the agent session behind the workspace, and the workspace's channel.</summary>
public sealed class WorkspaceJourneyApiTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAgentSessionIsTheOneTheOrgWasClaimedFromWithItsLastEventsAndAViewerLink()
    {
        var session = await _client.OpenAsync();
        var events = Enumerable.Range(1, 6).Select(i => new { type = "onboarding.note", ts = 1746478290000 + i, payload = new { text = $"note {i}" } }).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await _client.AppendAsync(session, new { events })).StatusCode);
        var (key, slug, email) = await ClaimAsync(session);
        var (otherKey, _, _) = await _client.ClaimWorkspaceAsync();

        var agent = (await ReadJsonAsync(await SendAsync(HttpMethod.Get, "/api/workspace/agent-session", key)))["agentSession"]!;

        Assert.Equal(session.Id, agent["id"]!.GetValue<string>());
        Assert.Equal((slug, email), (agent["claimedBy"]!.GetValue<string>(), agent["claimedByEmail"]!.GetValue<string>()));
        // session_opened, six notes, claimed.
        Assert.Equal(8, agent["eventCount"]!.GetValue<long>());
        Assert.Equal([8L, 7, 6, 5, 4], agent["lastEvents"]!.AsArray().Select(e => e!["seq"]!.GetValue<long>()));
        Assert.Equal("onboarding.claimed", agent["lastEvents"]![0]!["type"]!.GetValue<string>());
        Assert.EndsWith("Z", agent["claimedAt"]!.GetValue<string>(), StringComparison.Ordinal);
        // The link opens the session's viewer read.
        var viewUrl = new Uri(agent["viewUrl"]!.GetValue<string>());
        Assert.Equal($"/onboarding/{session.Id}", viewUrl.AbsolutePath);
        var token = Uri.UnescapeDataString(viewUrl.Query["?t=".Length..]);
        Assert.Equal(HttpStatusCode.OK, (await _client.ReadAsync(session.Id, token)).StatusCode);
        // Another org sees its own session, not this one.
        var other = (await ReadJsonAsync(await SendAsync(HttpMethod.Get, "/api/workspace/agent-session", otherKey)))["agentSession"]!;
        Assert.NotEqual(session.Id, other["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task EverySuccessfulWriteOfTheWorkspaceIsAnnouncedOnItsChannelAndNoReadOrRefusalIs()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        var orgId = (await ReadJsonAsync(await SendAsync(HttpMethod.Get, "/api/me", key)))["org"]!["id"]!.GetValue<string>();
        var announced = Channel.CreateUnbounded<string>();
        var subscriber = factory.Services.GetRequiredService<IConnectionMultiplexer>().GetSubscriber();
        var channel = RedisChannels.Workspace(orgId);
        await subscriber.SubscribeAsync(channel, (_, path) => announced.Writer.TryWrite(path.ToString()));
        try
        {
            // A read and a refused write say nothing.
            await SendAsync(HttpMethod.Get, "/api/context", key);
            Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/api/onboarding/start-scraping", key, new { website = "not a url" })).StatusCode);
            // A write does, once its answer is complete.
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/api/onboarding/start-scraping", key, new { website = "https://acme.example" })).StatusCode);
            Assert.Equal("/api/onboarding/start-scraping", await announced.Reader.ReadAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Cancel));
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/api/interview/start", key, new { })).StatusCode);
            Assert.Equal("/api/interview/start", await announced.Reader.ReadAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Cancel));
            Assert.False(announced.Reader.TryRead(out var extra), extra);
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel);
        }
    }

    [Fact]
    public async Task ContextVersionsListEveryGenerationNewestFirstWithWhatEachChanged()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        var me = await ReadJsonAsync(await SendAsync(HttpMethod.Get, "/api/me", key));
        var (userId, orgId) = (me["user"]!["id"]!.GetValue<string>(), me["org"]!["id"]!.GetValue<string>());
        var first = DateTimeOffset.UtcNow.AddDays(-2);
        await using (var db = factory.Services.CreateScope().ServiceProvider.GetRequiredService<OnboardingDbContext>())
        {
            db.ContextVersions.AddRange(
                Version(userId, orgId, "scrape", first,
                    new CompanyContext { Name = "Acme", Website = "https://acme.example", Description = "Rockets.", Products = [new("Rocket", "Goes up"), new("Pad", null)], Customers = ["Wile E."] },
                    new MarketContext { Category = "Aerospace" }, new IdealCustomerProfile { Roles = ["CTO"] }),
                Version(userId, orgId, "regenerate", first.AddDays(1),
                    new CompanyContext
                    {
                        Name = "Acme", Website = "https://acme.example", Description = "Rockets and anvils.", Products = [new("Rocket", "Goes up fast"), new("Anvil", null)],
                        Customers = ["Wile E."], Sources = new Dictionary<string, IReadOnlyList<string>> { ["description"] = ["https://acme.example/"] },
                    },
                    new MarketContext { Category = "Aerospace", Competitors = ["Ajax"] }, new IdealCustomerProfile()));
            await db.SaveChangesAsync(Cancel);
        }

        using var response = await SendAsync(HttpMethod.Get, "/api/context/versions", key);
        var versions = (await ReadJsonAsync(response))["versions"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(["regenerate", "scrape"], versions.Select(v => v!["kind"]!.GetValue<string>()));
        Assert.Empty(versions[1]!["changes"]!.AsArray());
        var changes = versions[0]!["changes"]!.AsArray()
            .Select(c => $"{c!["part"]}.{c["field"]} {c["change"]}: {c["before"]} → {c["after"]}").ToList();
        // Sources are how a fact is known, not a fact: a new source changes nothing.
        Assert.Equal(
            [
                "companyContext.description changed: Rockets. → Rockets and anvils.",
                "companyContext.products removed: Pad → ",
                "companyContext.products changed: Rocket: Goes up → Rocket: Goes up fast",
                "companyContext.products added:  → Anvil",
                "marketContext.competitors added:  → Ajax",
                "icp.roles removed: CTO → ",
            ],
            changes);
        Assert.Equal("Rockets and anvils.", versions[0]!["companyContext"]!["description"]!.GetValue<string>());
        // Only the newest one with limit=1, still compared with the one before it.
        var newest = (await ReadJsonAsync(await SendAsync(HttpMethod.Get, "/api/context/versions?limit=1", key)))["versions"]!.AsArray();
        Assert.Equal(6, Assert.Single(newest)!["changes"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("\"NaN\"", "stated")]
    [InlineData("1e309", "stated")]
    [InlineData("1.5", "stated")]
    [InlineData("0.5", "guessed")]
    public async Task AnEvidenceMarkThatIsNotAConfidenceFrom0To1IsRefusedNamingTheField(string confidence, string basis)
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/context")
        {
            Content = new StringContent(
                """{"marketContext":{"category":"Tools","evidence":{"category":{"basis":"BASIS","confidence":CONFIDENCE}}}}"""
                    .Replace("BASIS", basis, StringComparison.Ordinal).Replace("CONFIDENCE", confidence, StringComparison.Ordinal),
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var response = await _client.Http.SendAsync(request, Cancel);
        var error = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", error["code"]!.GetValue<string>());
        Assert.Contains("marketContext.evidence.category", error["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static ContextVersion Version(string userId, string orgId, string kind, DateTimeOffset at, CompanyContext company, MarketContext market, IdealCustomerProfile icp) =>
        new() { UserId = userId, OrgId = orgId, RunId = Ids.NewRunId(), Kind = kind, GeneratedAt = at, CompanyContext = company, MarketContext = market, Icp = icp };

    private async Task<(string Key, string Slug, string Email)> ClaimAsync(OpenedSession session)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (slug, email) = ($"journey-{suffix}", $"dev@journey-{suffix}.io");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/claim") { Content = JsonContent.Create(new { email, org_slug = slug }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.WriteToken);
        var preview = (await ReadJsonAsync(await _client.Http.SendAsync(request, Cancel)))["magic_link_preview"]!.GetValue<string>();
        using var confirm = await _client.Http.PostAsync(new Uri(preview).PathAndQuery, null, Cancel);
        return ((await ReadJsonAsync(confirm))["api_key"]!.GetValue<string>(), slug, email);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _client.Http.SendAsync(request, Cancel);
    }
}
