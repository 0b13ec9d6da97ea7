using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

public sealed class SessionsApiTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpeningASessionReturnsItsViewUrlWriteTokenAndThirtyDayExpiry()
    {
        var before = DateTimeOffset.UtcNow;

        var session = await _client.OpenAsync();

        Assert.Matches("^ses_[0-9A-Z]{26}$", session.Id);
        Assert.StartsWith($"{OnboardingApiFactory.PublicWebUrl}/onboarding/{session.Id}?t=", session.ViewUrl);
        Assert.StartsWith("wt_", session.WriteToken);
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAt);
        Assert.InRange(expiresAt, before.AddDays(30).AddSeconds(-5), DateTimeOffset.UtcNow.AddDays(30).AddSeconds(5));
    }

    [Fact]
    public async Task TheServerRecordsSessionOpenedAsTheFirstEvent()
    {
        var session = await _client.OpenAsync(new { user_agent = "claude-code/0.5.0", project_hint = "github.com/acme/agents" });

        var read = await _client.ReadOkAsync(session);

        var first = read["events"]![0]!;
        Assert.Equal(1, first["seq"]!.GetValue<long>());
        Assert.Equal("onboarding.session_opened", first["type"]!.GetValue<string>());
        Assert.Equal("claude-code/0.5.0", first["payload"]!["user_agent"]!.GetValue<string>());
        Assert.Equal("github.com/acme/agents", read["project_hint"]!.GetValue<string>());
        Assert.False(read["claimed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task OpeningWithAnEmptyBodyWorks()
    {
        using var response = await _client.Http.PostAsync("/onboarding/sessions", null, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"user_agent": 5}""")]
    [InlineData("""{"project_hint": ["a"]}""")]
    [InlineData("""[1, 2]""")]
    [InlineData("""{"user_agent": "unterminated""")]
    public async Task OpeningWithAMalformedBodyIsInvalidRequest(string body)
    {
        using var response = await _client.Http.PostAsync("/onboarding/sessions", new StringContent(body, Encoding.UTF8, "application/json"), Cancel);

        await AssertErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task OpeningWithAnOverlongHintIsInvalidRequest()
    {
        using var response = await _client.Http.PostAsJsonAsync("/onboarding/sessions", new { project_hint = new string('x', 501) }, Cancel);

        await AssertErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsRefusedAsUnsupported()
    {
        using var response = await _client.Http.PostAsync("/onboarding/sessions", new StringContent("user_agent=x", Encoding.UTF8, "application/x-www-form-urlencoded"), Cancel);

        await AssertErrorAsync(response, 415, "invalid_request");
    }

    [Fact]
    public async Task AppendedEventsAreCommittedAndReadBackInOrder()
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendAsync(session, Batch(
            Event("onboarding.jurisdiction_selected", new { jurisdiction = "AE" }),
            Event("onboarding.capabilities_inferred", new { input = "customer support chat for our SaaS", capabilities = new[] { "consumer_chatbot" }, inferred_tier = "limited" })));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, (await ReadJsonAsync(response))["accepted"]!.GetValue<int>());
        var read = await _client.ReadOkAsync(session);
        var types = read["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>());
        Assert.Equal(["onboarding.session_opened", "onboarding.jurisdiction_selected", "onboarding.capabilities_inferred"], types);
        Assert.Equal(3, read["last_seq"]!.GetValue<long>());
        Assert.Equal("AE", read["events"]![1]!["payload"]!["jurisdiction"]!.GetValue<string>());
    }

    [Fact]
    public async Task CustomEventTypesAreAcceptedAsTheyAre()
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendAsync(session, Batch(Event("onboarding.custom.step_done", new { anything = new { nested = true } })));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task ReadingAfterASequenceNumberReturnsOnlyNewerEvents()
    {
        var session = await _client.OpenAsync();
        using (await _client.AppendAsync(session, Batch(Event("onboarding.a", new { n = 1 }), Event("onboarding.b", new { n = 2 }))))
        {
        }

        var read = await _client.ReadOkAsync(session, after: 2);

        var events = read["events"]!.AsArray();
        Assert.Single(events);
        Assert.Equal(3, events[0]!["seq"]!.GetValue<long>());
        Assert.False(read["has_more"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    public async Task AnInvalidAfterIsInvalidRequest(string after)
    {
        var session = await _client.OpenAsync();

        using var response = await _client.Http.GetAsync($"/onboarding/sessions/{session.Id}?t={session.ViewToken}&after={after}", Cancel);

        await AssertErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task OneInvalidEventRefusesTheWholeBatchAndNamesItsIndex()
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendAsync(session, Batch(
            Event("onboarding.jurisdiction_selected", new { jurisdiction = "AE" }),
            Event("onboarding.capabilities_inferred", new { input = "x", capabilities = new[] { "a" }, inferred_tier = "extreme" })));

        await AssertErrorAsync(response, 400, "invalid_request");
        Assert.Contains("events[1]", (await ReadJsonAsync(response))["error"]!.GetValue<string>());
        Assert.Equal(1, (await _client.ReadOkAsync(session))["last_seq"]!.GetValue<long>());
    }

    public static TheoryData<string, string> InvalidEvents => new()
    {
        { """{"events":[]}""", "between 1 and" },
        { """{"events":{}}""", "events" },
        { """{"nope":1}""", "events" },
        { """{"events":[{"type":"custom.thing","ts":1,"payload":{}}]}""", "events[0].type" },
        { """{"events":[{"type":"onboarding.Upper","ts":1,"payload":{}}]}""", "events[0].type" },
        { """{"events":[{"type":"onboarding.x","ts":-1,"payload":{}}]}""", "events[0].ts" },
        { """{"events":[{"type":"onboarding.x","ts":1.5,"payload":{}}]}""", "events[0].ts" },
        { """{"events":[{"type":"onboarding.x","ts":"1","payload":{}}]}""", "events[0].ts" },
        { """{"events":[{"type":"onboarding.x","ts":1}]}""", "events[0].payload" },
        { """{"events":[{"type":"onboarding.x","ts":1,"payload":[1]}]}""", "events[0].payload" },
        { """{"events":[{"type":"onboarding.session_opened","ts":1,"payload":{}}]}""", "server only" },
        { """{"events":[{"type":"onboarding.claimed","ts":1,"payload":{}}]}""", "server only" },
        { """{"events":[{"type":"onboarding.jurisdiction_selected","ts":1,"payload":{}}]}""", "jurisdiction is required" },
        { """{"events":[{"type":"onboarding.jurisdiction_selected","ts":1,"payload":{"jurisdiction":"united arab emirates"}}]}""", "jurisdiction must match" },
        { """{"events":[{"type":"onboarding.capabilities_inferred","ts":1,"payload":{"input":"x","capabilities":"a","inferred_tier":"high"}}]}""", "capabilities must be an array" },
        { """{"events":[{"type":"onboarding.repo_scanned","ts":1,"payload":{"frameworks":["langchain"],"agents":[{"path":"a.py","framework":"langchain","capabilities":[],"tier":"none"}]}}]}""", "agents[0].tier" },
        { """{"events":[{"type":"onboarding.repo_scanned","ts":1,"payload":{"frameworks":["langchain"],"agents":[{"framework":"x","capabilities":[],"tier":"high"}]}}]}""", "agents[0].path" },
        { """{"events":[{"type":"onboarding.sdk_installed","ts":1,"payload":{"language":"go","agent_count":1}}]}""", "language" },
        { """{"events":[{"type":"onboarding.sdk_installed","ts":1,"payload":{"language":"ts","agent_count":-2}}]}""", "agent_count" },
        { """{"events":[{"type":"onboarding.first_telemetry","ts":1,"payload":{"agent_id":7}}]}""", "agent_id" },
        { """{"events":[{"type":"onboarding.x","ts":1,"payload":{"a":1,"a":2}}]}""", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task InvalidEventsAreRefusedWithAClearMessage(string body, string messagePart)
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendRawAsync(session.Id, body, session.WriteToken);

        await AssertErrorAsync(response, 400, "invalid_request");
        Assert.Contains(messagePart, (await ReadJsonAsync(response))["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EveryCanonicalEventTypeIsAcceptedWithItsRequiredFields()
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendAsync(session, Batch(
            Event("onboarding.jurisdiction_selected", new { jurisdiction = "AE" }),
            Event("onboarding.capabilities_inferred", new { input = "support bot", capabilities = new[] { "consumer_chatbot" }, inferred_tier = "limited" }),
            Event("onboarding.repo_scanned", new
            {
                frameworks = new[] { "langchain" },
                agents = new object[]
                {
                    new { path = "agents/support.py", framework = "langchain", model = "gpt-4o", capabilities = new[] { "consumer_chatbot" }, tier = "limited" },
                    new { path = "agents/triage.ts", framework = "ai-sdk", capabilities = Array.Empty<string>(), tier = "minimal" },
                },
            }),
            Event("onboarding.sdk_installed", new { language = "py", agent_count = 2 }),
            Event("onboarding.first_telemetry", new { agent_id = "agt_123" })));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task AnEventOf65536BytesIsAcceptedAndOneByteMoreIsRefused()
    {
        var session = await _client.OpenAsync();
        // {"d":"…"} is 8 bytes around the text; é is 2 bytes of UTF-8, so the limit is measured in bytes, not characters.
        var atLimit = new string('é', 10_000) + new string('x', 65_536 - 8 - 20_000);

        using var accepted = await _client.AppendAsync(session, Batch(Event("onboarding.big", new { d = atLimit })));
        using var refused = await _client.AppendAsync(session, Batch(Event("onboarding.big", new { d = atLimit + "x" })));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await AssertErrorAsync(refused, 413, "event_too_large");
        var read = await _client.ReadOkAsync(session, after: 1);
        Assert.Equal(atLimit, read["events"]![0]!["payload"]!["d"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARequestBodyOverTheCapIsRefusedEvenWithoutALength()
    {
        var session = await _client.OpenAsync();
        var events = Enumerable.Range(0, 20).Select(_ => Event("onboarding.big", new { d = new string('x', 60_000) })).ToArray();
        var json = System.Text.Json.JsonSerializer.Serialize(Batch(events));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/events")
        {
            // A stream of unknown length is sent chunked.
            Content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(json))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", session.WriteToken);

        using var response = await _client.Http.SendAsync(request, Cancel);

        await AssertErrorAsync(response, 413, "request_too_large");
        Assert.Equal(1, (await _client.ReadOkAsync(session))["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task AppendingWithoutTheWriteTokenIsRefused()
    {
        var session = await _client.OpenAsync();
        var other = await _client.OpenAsync();
        var batch = System.Text.Json.JsonSerializer.Serialize(Batch(Event("onboarding.x", new { })));

        using var missing = await _client.AppendRawAsync(session.Id, batch, writeToken: null);
        using var wrong = await _client.AppendRawAsync(session.Id, batch, writeToken: other.WriteToken);

        await AssertErrorAsync(missing, 401, "token_invalid");
        await AssertErrorAsync(wrong, 401, "token_invalid");
    }

    [Theory]
    [InlineData("ses_01HRX9ZZZZZZZZZZZZZZZZZZZZ")]
    [InlineData("not-a-session")]
    [InlineData("ses_%3Cscript%3E")]
    public async Task UnknownSessionsAreNotFound(string sessionId)
    {
        using var append = await _client.AppendRawAsync(sessionId, """{"events":[{"type":"onboarding.x","ts":1,"payload":{}}]}""", "wt_x");

        await AssertErrorAsync(append, 404, "session_not_found");
    }

    [Fact]
    public async Task AppendsAreLimitedPerAddressAndTheCountIsSharedBetweenInstances()
    {
        // Two Api instances, one Redis; the appends come from one address.
        await using var here = factory.WithSettings(("RateLimits:AppendPerIp:Limit", "3"));
        await using var there = factory.WithSettings(("RateLimits:AppendPerIp:Limit", "3"), ("Onboarding:MaxAppendsPerCommit", "99"));
        var address = $"198.51.100.{Random.Shared.Next(1, 250)}";
        SessionsClient From(HttpClient http)
        {
            http.DefaultRequestHeaders.Add(OnboardingApiFactory.ClientAddressHeader, address);
            return new SessionsClient(http);
        }

        var (client, otherClient) = (From(here.CreateClient()), From(there.CreateClient()));
        var session = await client.OpenAsync();

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.AppendAsync(session, Batch(Event("onboarding.step", new { n = i })));
            Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        }

        using var limited = await client.AppendAsync(session, Batch(Event("onboarding.step", new { n = 3 })));
        // The other instance judges by the shared count as it last heard it, and hears it with its first append: it
        // refuses well before the three a count of its own would allow.
        var answersThere = new List<HttpStatusCode>();
        while (answersThere.Count < 3 && !answersThere.Contains(HttpStatusCode.TooManyRequests))
        {
            using var response = await otherClient.AppendAsync(session, Batch(Event("onboarding.step", new { n = 4 + answersThere.Count })));
            answersThere.Add(response.StatusCode);
        }

        await AssertErrorAsync(limited, 429, "rate_limited");
        Assert.True(limited.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        Assert.Contains(HttpStatusCode.TooManyRequests, answersThere);
    }

    [Fact]
    public async Task FiftyConcurrentAppendersLeaveAGapFreeChainThatVerifies()
    {
        var session = await _client.OpenAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            _client.AppendAsync(session, Batch(Event("onboarding.step", new { writer = i })))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        using var read = await _client.ReadAsync(session.Id, session.ViewToken);
        var raw = await read.Content.ReadAsStringAsync(Cancel);
        var json = JsonNode.Parse(raw)!;
        Assert.Equal(51, json["last_seq"]!.GetValue<long>());
        Assert.Equal(Enumerable.Range(1, 51).Select(i => (long)i), json["events"]!.AsArray().Select(e => e!["seq"]!.GetValue<long>()));
        Assert.Equal(Enumerable.Range(0, 50), json["events"]!.AsArray().Skip(1).Select(e => e!["payload"]!["writer"]!.GetValue<int>()).Order());
        Chain.AssertVerifies(raw);
    }

    [Fact]
    public async Task TheChainCoversPayloadsWithMarkupAndNonAsciiText()
    {
        var session = await _client.OpenAsync();
        using (await _client.AppendAsync(session, Batch(Event("onboarding.note", new { text = "<script>alert('x')</script> & “quotes” — ✓ \u0001" }))))
        {
        }

        using var read = await _client.ReadAsync(session.Id, session.ViewToken);

        Chain.AssertVerifies(await read.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task UnknownRoutesAnswerInTheErrorEnvelope()
    {
        using var response = await _client.Http.GetAsync("/onboarding/nothing-here", Cancel);

        await AssertErrorAsync(response, 404, "not_found");
    }

    /// <summary>Forces HttpClient to send a body without Content-Length.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
