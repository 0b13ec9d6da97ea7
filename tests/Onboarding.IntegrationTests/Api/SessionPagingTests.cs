using System.Net;
using System.Text.Json.Nodes;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>The session read in pages (limit, after, before) and the maximum number of events a session holds.</summary>
public sealed class SessionPagingTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LimitCapsThePageAndHasMoreLeadsOnWithAfter()
    {
        var session = await OpenWithEventsAsync(_client, 24);

        var first = await ReadAsync(session, "limit=10");
        var second = await ReadAsync(session, "after=10&limit=10");
        var last = await ReadAsync(session, "after=20&limit=10");

        Assert.Equal(Enumerable.Range(1, 10), Seqs(first));
        Assert.True(first["has_more"]!.GetValue<bool>());
        Assert.Equal(Enumerable.Range(11, 10), Seqs(second));
        Assert.Equal(Enumerable.Range(21, 5), Seqs(last));
        Assert.False(last["has_more"]!.GetValue<bool>());
        Assert.Equal(25, last["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task BeforeReadsTheNewestEventsBeforeASeqOldestFirst()
    {
        var session = await OpenWithEventsAsync(_client, 24);

        var tip = await ReadAsync(session, $"before={long.MaxValue}&limit=10");
        var older = await ReadAsync(session, "before=16&limit=10");
        var start = await ReadAsync(session, "before=6&limit=10");

        Assert.Equal(Enumerable.Range(16, 10), Seqs(tip));
        Assert.True(tip["has_more"]!.GetValue<bool>());
        Assert.Equal(Enumerable.Range(6, 10), Seqs(older));
        Assert.Equal(Enumerable.Range(1, 5), Seqs(start));
        Assert.False(start["has_more"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheFirstPageKeepsTheSessionsMetadataBesideItsEvents()
    {
        var session = await OpenWithEventsAsync(_client, 3);

        var page = await ReadAsync(session, "limit=2");

        Assert.Equal(session.Id, page["session_id"]!.GetValue<string>());
        Assert.Equal(session.ExpiresAt, page["expires_at"]!.GetValue<long>());
        Assert.True(page["opened_at"]!.GetValue<long>() > 0);
        Assert.False(page["claimed"]!.GetValue<bool>());
        Assert.Equal("onboarding.session_opened", page["events"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task PagesReadBackwardsChainTogetherAsTheWholeReadDoes()
    {
        var session = await OpenWithEventsAsync(_client, 30);
        var whole = await ReadAsync(session, "");

        var pages = new List<JsonNode>();
        for (var before = long.MaxValue; before > 1;)
        {
            var page = await ReadAsync(session, $"before={before}&limit=7");
            pages.Insert(0, page);
            before = page["events"]![0]!["seq"]!.GetValue<long>();
        }

        var hashes = pages.SelectMany(p => p["events"]!.AsArray()).Select(e => e!["hash"]!.GetValue<string>());
        Assert.Equal(whole["events"]!.AsArray().Select(e => e!["hash"]!.GetValue<string>()), hashes);
    }

    [Fact]
    public async Task APageEndsWhereItsPayloadBytesPassTheBoundAndAlwaysHoldsOneEvent()
    {
        var bounded = new SessionsClient(factory.WithSettings(("Onboarding:MaxBytesPerRead", "1000")).CreateClient());
        var session = await bounded.OpenAsync();
        var pad = new string('x', 290);
        using (var fill = await bounded.AppendAsync(session, Batch([.. Enumerable.Range(0, 9).Select(i => Event("onboarding.tick", new { i, pad }))])))
        {
            Assert.Equal(HttpStatusCode.Accepted, fill.StatusCode);
        }

        using (var big = await bounded.AppendAsync(session, Batch(Event("onboarding.tick", new { pad = new string('y', 5000) }))))
        {
            Assert.Equal(HttpStatusCode.Accepted, big.StatusCode);
        }

        var forwards = new List<JsonNode>();
        for (long after = 0, more = 1; more == 1;)
        {
            var page = await ReadAsync(bounded, session, $"after={after}");
            forwards.Add(page);
            after = page["events"]!.AsArray()[^1]!["seq"]!.GetValue<long>();
            more = page["has_more"]!.GetValue<bool>() ? 1 : 0;
        }

        var tip = await ReadAsync(bounded, session, $"before={long.MaxValue}");

        // Every page holds at most the bound's bytes, or one event larger than it; together they are the whole chain.
        Assert.All(forwards, page => Assert.True(page["events"]!.AsArray().Count == 1 || PayloadBytes(page) <= 1000, page.ToJsonString()));
        Assert.Equal(Enumerable.Range(1, 11), forwards.SelectMany(Seqs));
        Assert.True(forwards.Count >= 4, $"{forwards.Count} pages");
        Assert.Equal([11], Seqs(tip));
        Assert.True(tip["has_more"]!.GetValue<bool>());
        Chain.AssertVerifies((await bounded.ReadOkAsync(session)).ToJsonString());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    [InlineData("before=0")]
    [InlineData("before=-3")]
    [InlineData("before=x")]
    [InlineData("after=2&before=5")]
    public async Task AnOutOfBoundsWindowIsInvalidRequest(string query)
    {
        var session = await _client.OpenAsync();

        using var response = await _client.Http.GetAsync($"/onboarding/sessions/{session.Id}?t={session.ViewToken}&{query}", Cancel);

        await AssertErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task TheLargestLimitIsAccepted()
    {
        var session = await _client.OpenAsync();

        var page = await ReadAsync(session, "limit=1000");

        Assert.Single(page["events"]!.AsArray());
    }

    [Fact]
    public async Task ABatchThatWouldPassTheSessionsMaximumIsRefusedWholeWithSessionFull()
    {
        var capped = new SessionsClient(factory.WithSettings(("Onboarding:MaxEventsPerSession", "10")).CreateClient());
        var session = await capped.OpenAsync();
        using (var fill = await capped.AppendAsync(session, Batch([.. Enumerable.Range(0, 8).Select(i => Event("onboarding.tick", new { i }))])))
        {
            Assert.Equal(HttpStatusCode.Accepted, fill.StatusCode);
        }

        using var over = await capped.AppendAsync(session, Batch(Event("onboarding.tick", new { i = 8 }), Event("onboarding.tick", new { i = 9 })));
        using var idempotentOver = await capped.AppendAsync(session, Batch(Event("onboarding.tick", new { i = 8 }), Event("onboarding.tick", new { i = 9 })), idempotencyKey: Guid.NewGuid().ToString());
        using var last = await capped.AppendAsync(session, Batch(Event("onboarding.tick", new { i = 8 })));
        using var afterFull = await capped.AppendAsync(session, Batch(Event("onboarding.tick", new { i = 9 })));

        await AssertErrorAsync(over, 409, "session_full");
        await AssertErrorAsync(idempotentOver, 409, "session_full");
        Assert.Equal(HttpStatusCode.Accepted, last.StatusCode);
        await AssertErrorAsync(afterFull, 409, "session_full");
        Assert.Equal(10, (await capped.ReadOkAsync(session))["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task ConcurrentAppendsTogetherNeverPassTheSessionsMaximum()
    {
        var capped = new SessionsClient(factory.WithSettings(("Onboarding:MaxEventsPerSession", "21")).CreateClient());
        var session = await capped.OpenAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await capped.AppendAsync(session, Batch(Event("onboarding.tick", new { i })));
            return response.StatusCode;
        }));

        Assert.Equal(20, answers.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(10, answers.Count(s => s == HttpStatusCode.Conflict));
        var read = await capped.ReadOkAsync(session);
        Assert.Equal(21, read["last_seq"]!.GetValue<long>());
        Chain.AssertVerifies(read.ToJsonString());
    }

    /// <summary>Opens a session and appends <paramref name="count"/> events after its session_opened, in batches of 100.</summary>
    internal static async Task<OpenedSession> OpenWithEventsAsync(SessionsClient client, int count)
    {
        var session = await client.OpenAsync();
        for (var start = 0; start < count; start += 100)
        {
            var batch = Enumerable.Range(start, Math.Min(100, count - start)).Select(i => Event("onboarding.tick", new { i }));
            using var response = await client.AppendAsync(session, Batch([.. batch]));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        return session;
    }

    private Task<JsonNode> ReadAsync(OpenedSession session, string query) => ReadAsync(_client, session, query);

    private static async Task<JsonNode> ReadAsync(SessionsClient client, OpenedSession session, string query)
    {
        using var response = await client.Http.GetAsync($"/onboarding/sessions/{session.Id}?t={session.ViewToken}&{query}", Cancel);
        var json = await ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        return json;
    }

    private static int PayloadBytes(JsonNode page) => page["events"]!.AsArray().Sum(e => e!["payload"]!.ToJsonString().Length);

    private static IEnumerable<int> Seqs(JsonNode page) => page["events"]!.AsArray().Select(e => (int)e!["seq"]!.GetValue<long>());
}
