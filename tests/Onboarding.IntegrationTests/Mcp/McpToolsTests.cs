using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using static Onboarding.IntegrationTests.Mcp.McpSession;

namespace Onboarding.IntegrationTests.Mcp;

/// <summary>
/// The MCP server at /mcp, through the official C# client on Streamable HTTP against the real Api: the tools and their
/// schemas, a session written and read through tools, the interview's turns, and every refusal as a tool error carrying
/// the code its HTTP twin answers with.
/// </summary>
public sealed class McpToolsTests(OnboardingApiFactory factory)
{
    private static readonly string[] Tools =
    [
        "open_session", "append_events", "read_session", "lookup_domain", "request_claim",
        "start_scraping", "get_onboarding_status", "get_context", "regenerate_context", "get_run",
        "start_interview", "save_turn", "get_brief",
    ];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryToolIsListedWithTheSchemaOfItsHttpContractAndTheGuidanceAnAgentNeeds()
    {
        await using var mcp = await ConnectAsync(factory);
        var tools = (await mcp.Client.ListToolsAsync(cancellationToken: Cancel)).ToDictionary(t => t.Name);
        Assert.Equal(Tools.Order(), tools.Keys.Order());

        // The body's fields come from the HTTP contract (names, types, descriptions); the rest are the tool's own arguments.
        var open = Properties(tools["open_session"].JsonSchema);
        Assert.Equal(["idempotency_key", "project_hint", "user_agent"], open.Keys.Order());
        Assert.Contains("At most 200 characters", open["user_agent"].GetProperty("description").GetString());
        Assert.Equal(["events", "session_id", "write_token"], Required(tools["append_events"].JsonSchema));
        var events = Properties(tools["append_events"].JsonSchema)["events"];
        Assert.Equal("array", Type(events));
        Assert.Equal(["email", "org_slug", "session_id", "write_token"], Required(tools["request_claim"].JsonSchema));
        var scrape = Properties(tools["start_scraping"].JsonSchema);
        Assert.Equal(["email", "firstName", "idempotencyKey", "lastName", "website"], scrape.Keys.Order());
        Assert.Equal(["website"], Required(tools["start_scraping"].JsonSchema));
        Assert.Equal("integer", Type(Properties(tools["read_session"].JsonSchema)["after"]));
        Assert.Equal(["message", "messageId", "sessionId"], Required(tools["save_turn"].JsonSchema));

        // What an agent is told to do, where it reads it.
        Assert.Contains("every 3 to 5 s", tools["get_onboarding_status"].Description);
        Assert.Contains("session: null", tools["get_onboarding_status"].Description);
        Assert.Contains("errorMessage and errorStep", tools["start_scraping"].Description);
        Assert.Contains("do not retry", tools["start_scraping"].Description);
        Assert.Contains("do not call it proactively", tools["regenerate_context"].Description);
        Assert.All(Tools[5..], name => Assert.Contains("Authorization: Bearer onb_", tools[name].Description));
        Assert.True(tools["get_context"].ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.False(tools["start_scraping"].ProtocolTool.Annotations?.ReadOnlyHint);
    }

    [Fact]
    public async Task AnAgentOpensASessionAppendsEventsAndReadsThemAsTheViewerDoes()
    {
        await using var mcp = await ConnectAsync(factory);
        var opened = await mcp.CallOkAsync("open_session", new { user_agent = "mcp-agent/1.0", project_hint = "github.com/acme/mcp" });
        var sessionId = opened.GetProperty("session_id").GetString()!;
        var writeToken = opened.GetProperty("write_token").GetString()!;
        var viewUrl = opened.GetProperty("view_url").GetString()!;
        Assert.StartsWith(OnboardingApiFactory.PublicWebUrl + "/onboarding/" + sessionId + "?t=", viewUrl);

        // A payload is opaque: kept as the client wrote it, as over HTTP.
        var appended = await mcp.CallOkAsync("append_events", new
        {
            session_id = sessionId,
            write_token = writeToken,
            events = new object[]
            {
                new { type = "onboarding.jurisdiction_selected", ts = 1746478291000, payload = new { jurisdiction = "AE" } },
                new { type = "onboarding.note", ts = 1746478292000, payload = JsonDocument.Parse("""{"text":"caf\u00e9 \ud83d\ude00 <b>"}""").RootElement },
            },
        });
        Assert.Equal(2, appended.GetProperty("accepted").GetInt32());

        var viewToken = viewUrl[(viewUrl.IndexOf("?t=", StringComparison.Ordinal) + 3)..];
        var read = await mcp.CallOkAsync("read_session", new { session_id = sessionId, view_token = viewToken });
        Assert.Equal(["onboarding.session_opened", "onboarding.jurisdiction_selected", "onboarding.note"],
            read.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("mcp-agent/1.0", read.GetProperty("user_agent").GetString());
        var after = await mcp.CallOkAsync("read_session", new { session_id = sessionId, view_token = read.GetProperty("view_token").GetString(), after = 2 });
        Assert.Equal([3L], after.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));

        // The viewer reads the same chain over HTTP, and it verifies.
        var viewer = new SessionsClient(factory.CreateClient());
        using var response = await viewer.ReadAsync(sessionId, viewToken);
        var raw = await response.Content.ReadAsStringAsync(Cancel);
        Chain.AssertVerifies(raw);
        var note = JsonDocument.Parse(raw).RootElement.GetProperty("events")[2].GetProperty("payload");
        Assert.Equal("café 😀 <b>", note.GetProperty("text").GetString());
        // The text of a read is the HTTP body's, byte for byte: the chain verifies from it too.
        var readText = Text(await mcp.CallAsync("read_session", new { session_id = sessionId, view_token = viewToken }));
        Chain.AssertVerifies(readText);
        Assert.Contains(note.GetRawText(), readText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFounderInterviewRunsThroughTools()
    {
        var (key, _, _) = await new SessionsClient(factory.CreateClient()).ClaimWorkspaceAsync();
        await using var mcp = await ConnectAsync(factory, key);
        var started = await mcp.CallOkAsync("start_interview", new { forceNew = true });
        var sessionId = started.GetProperty("sessionId").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(started.GetProperty("firstQuestion").GetString()));

        var turn = new { sessionId, messageId = Guid.NewGuid().ToString(), message = "We make payroll software for restaurants with fewer than fifty staff." };
        var saved = await mcp.CallOkAsync("save_turn", turn);
        Assert.Equal("committed", saved.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(saved.GetProperty("reply").GetString()));
        Assert.Equal("duplicate", (await mcp.CallOkAsync("save_turn", turn)).GetProperty("status").GetString());
        Assert.Equal("BRIEF_NOT_FOUND", Code(await mcp.CallAsync("get_brief", new { sessionId })));

        // In a new interview the scripted founder answers every question; the last answer completes it and writes the brief.
        var founder = (await mcp.CallOkAsync("start_interview", new { forceNew = true })).GetProperty("sessionId").GetString();
        var answers = ScriptedFounder.Answers.Select((answer, i) => new { sessionId = founder, messageId = $"answer-{i}", message = answer }).ToList();
        var results = new List<JsonElement>();
        foreach (var answer in answers)
        {
            results.Add(await mcp.CallOkAsync("save_turn", answer));
        }

        Assert.Equal(answers.Count - 1, results.FindIndex(r => r.TryGetProperty("completed", out var done) && done.GetBoolean()));
        var brief = await mcp.CallOkAsync("get_brief", new { sessionId = founder });
        Assert.False(string.IsNullOrWhiteSpace(brief.GetProperty("brief").GetProperty("business_concept").GetString()));
    }

    [Fact]
    public async Task EveryRefusalIsAToolErrorWithTheCodeItsHttpTwinAnswers()
    {
        var (key, _, _) = await new SessionsClient(factory.CreateClient()).ClaimWorkspaceAsync();
        await using var anonymous = await ConnectAsync(factory);
        await using var keyed = await ConnectAsync(factory, key);
        var opened = await anonymous.CallOkAsync("open_session");
        var sessionId = opened.GetProperty("session_id").GetString()!;
        var writeToken = opened.GetProperty("write_token").GetString()!;
        object Batch(object payload) => new[] { new { type = "onboarding.note", ts = 1, payload } };

        // The public surface.
        Assert.Equal("token_invalid", Code(await anonymous.CallAsync("append_events", new { session_id = sessionId, write_token = "wt_wrong", events = Batch(new { }) })));
        Assert.Equal("session_not_found", Code(await anonymous.CallAsync("append_events", new { session_id = "ses_nope", write_token = writeToken, events = Batch(new { }) })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("append_events", new { session_id = sessionId, write_token = writeToken, events = Array.Empty<object>() })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("append_events",
            new { session_id = sessionId, write_token = writeToken, events = new[] { new { type = "onboarding.jurisdiction_selected", ts = 1, payload = new { } } } })));
        Assert.Equal("event_too_large", Code(await anonymous.CallAsync("append_events",
            new { session_id = sessionId, write_token = writeToken, events = Batch(new { text = new string('x', 70_000) }) })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("append_events", new { session_id = sessionId, write_token = writeToken, events = "many" })));
        Assert.Equal("token_invalid", Code(await anonymous.CallAsync("read_session", new { session_id = sessionId, view_token = "forged" })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("read_session", new { session_id = sessionId, view_token = "forged", after = -1 })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("lookup_domain", new { domain = "not a domain" })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("lookup_domain", new { domain = 42 })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("request_claim", new { session_id = sessionId, write_token = writeToken, email = "nobody", org_slug = "acme" })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("open_session", new { user_agent = "nul\u0000inside" })));
        Assert.Equal("invalid_request", Code(await anonymous.CallAsync("open_session", new { idempotency_key = "with space" })));
        await anonymous.CallOkAsync("open_session", new { user_agent = "a", idempotency_key = "mcp-" + sessionId });
        Assert.Equal("idempotency_key_reused", Code(await anonymous.CallAsync("open_session", new { user_agent = "b", idempotency_key = "mcp-" + sessionId })));

        // A key-only tool without a key, or with a key that is not one, is refused in its surface's envelope.
        Assert.Equal("unauthorized", Code(await anonymous.CallAsync("get_context")));
        Assert.Equal("unauthorized", Code(await anonymous.CallAsync("start_scraping", new { website = "https://acme.example" })));
        Assert.Equal("UNAUTHORIZED", Code(await anonymous.CallAsync("start_interview")));
        await using (var forged = await ConnectAsync(factory, "onb_" + new string('a', 43)))
        {
            Assert.Equal("unauthorized", Code(await forged.CallAsync("get_onboarding_status")));
            Assert.True((await forged.CallAsync("open_session")).IsError != true, "A public tool needs no key, whatever the connection carries.");
        }

        // The workspace and the interview, with the key.
        Assert.Equal("run_not_found", Code(await keyed.CallAsync("get_run", new { runId = "run_nope" })));
        Assert.Equal("invalid_request", Code(await keyed.CallAsync("get_onboarding_status", new { sessionId = "not-a-uuid" })));
        Assert.Equal("session_not_found", Code(await keyed.CallAsync("get_onboarding_status", new { sessionId = Guid.NewGuid() })));
        Assert.Equal("invalid_request", Code(await keyed.CallAsync("start_scraping", new { website = "ftp://acme.example" })));
        Assert.Equal("invalid_request", Code(await keyed.CallAsync("regenerate_context", new { freeformContext = "only notes" })));
        Assert.Equal("SESSION_NOT_FOUND", Code(await keyed.CallAsync("save_turn", new { sessionId = "itv_nope", messageId = "m1", message = "hello" })));
        Assert.Equal("INVALID_REQUEST", Code(await keyed.CallAsync("start_interview", new { mode = "client" })));
        Assert.Equal("INVALID_REQUEST", Code(await keyed.CallAsync("start_interview", new { forceNew = "yes" })));
        var interview = (await keyed.CallOkAsync("start_interview")).GetProperty("sessionId").GetString();
        var stale = await keyed.CallAsync("save_turn", new { sessionId = interview, messageId = "m1", message = "We make payroll software.", expectedVersion = 7 });
        Assert.Equal("version_conflict", Code(stale));
        Assert.Equal(0, stale.StructuredContent!.Value.GetProperty("currentVersion").GetInt32());

        // Regenerate's contract: once per 24 hours, the refusal saying when, with Retry-After in words.
        await keyed.CallOkAsync("regenerate_context", new { website = "https://acme.example", freeformContext = "We sell to bakeries." });
        var again = await keyed.CallAsync("regenerate_context", new { website = "https://acme.example" });
        Assert.Equal("rate_limited", Code(again));
        Assert.True(again.StructuredContent!.Value.TryGetProperty("nextAvailableAt", out _));
        Assert.Contains("Retry after", Text(again), StringComparison.Ordinal);

        // A workspace that never started onboarding: the agent is told session: null.
        Assert.Equal(JsonValueKind.Null, (await keyed.CallOkAsync("get_onboarding_status")).GetProperty("session").ValueKind);
    }

    [Fact]
    public async Task NoWriteTokenOrApiKeyIsLoggedEvenWithTheSdksMessageLogsTurnedOn()
    {
        await using var api = factory.WithSettings(("Logging:LogLevel:ModelContextProtocol", "Trace"), ("Logging:LogLevel:Default", "Trace"));
        var (key, _, _) = await new SessionsClient(api.CreateClient()).ClaimWorkspaceAsync();
        await using var agent = await ConnectAsync(api, key);
        var opened = await agent.CallOkAsync("open_session");
        var writeToken = opened.GetProperty("write_token").GetString()!;
        await agent.CallOkAsync("append_events", new
        {
            session_id = opened.GetProperty("session_id").GetString(),
            write_token = writeToken,
            events = new[] { new { type = "onboarding.note", ts = 1, payload = new { text = "hello" } } },
        });
        await agent.CallOkAsync("get_context");

        Assert.Contains(factory.Logs.Entries, e => e.Contains("ModelContextProtocol", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Contains(writeToken, StringComparison.Ordinal) || e.Contains(key, StringComparison.Ordinal));
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement schema) =>
        schema.GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);

    private static string[] Required(JsonElement schema) => [.. schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order()];

    private static string Type(JsonElement property) =>
        property.GetProperty("type") is { ValueKind: JsonValueKind.Array } types ? types.EnumerateArray().First(t => t.GetString() != "null").GetString()! : property.GetProperty("type").GetString()!;
}
