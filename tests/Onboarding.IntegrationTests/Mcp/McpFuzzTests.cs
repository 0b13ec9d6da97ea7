using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Onboarding.IntegrationTests.Fuzzing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using static Onboarding.IntegrationTests.Mcp.McpSession;

namespace Onboarding.IntegrationTests.Mcp;

/// <summary>
/// The HTTP fuzzer's hostile values (<see cref="HostileValues"/>) in every argument of every tool, one at a time, with the
/// other arguments valid, and an argument no tool knows, against the real Api on a database of its own (the scrapes it
/// starts stay there). No call may end in an internal error: a refusal is a tool error with its surface's code, or the
/// protocol's own refusal of a message it cannot read (too deep to parse).
/// </summary>
public sealed class McpFuzzTests(OnboardingApiFactory factory)
{
    private const int MaxFailuresShown = 25;

    private static readonly string[] InternalCodes = ["internal_error", "PROCESSING_ERROR"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoHostileArgumentOfAnyToolEndsInAnInternalError()
    {
        await using var log = await WriteLog.CreateAsync(factory.Infrastructure.PostgresConnectionString, Cancel);
        await using var api = factory.WithSettings(("ConnectionStrings:onboardingdb", log.ConnectionString));
        var (key, _, _) = await new SessionsClient(api.CreateClient()).ClaimWorkspaceAsync();
        var splice = new Splice();
        await using var mcp = await ConnectAsync(api.CreateDefaultClient(splice), key);
        var baselines = await BaselinesAsync(mcp);
        var tools = await mcp.Client.ListToolsAsync(cancellationToken: Cancel);
        Assert.Equal(baselines.Keys.Order(), tools.Select(t => t.Name).Order());

        // Each valid call is accepted, or the cases would only show that an invalid call is refused.
        foreach (var (tool, arguments) in baselines)
        {
            var result = await mcp.Client.CallToolAsync(tool, arguments, cancellationToken: Cancel);
            Assert.True(result.IsError != true, $"The valid call of {tool} refused: {Text(result)}");
        }

        var values = HostileValues.Corpus;
        var failures = new List<string>();
        var sent = 0;
        foreach (var tool in tools)
        {
            var fields = tool.JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Append("unknown_argument");
            foreach (var field in fields)
            {
                foreach (var (name, json) in values)
                {
                    var arguments = new Dictionary<string, object?>(baselines[tool.Name]);
                    if (json is null)
                    {
                        arguments.Remove(field);
                    }
                    else
                    {
                        arguments[field] = Splice.Placeholder;
                    }

                    sent++;
                    splice.Value = json;
                    if (await ProblemAsync(mcp, tool.Name, arguments) is { } problem)
                    {
                        failures.Add($"{tool.Name}.{field} = {name}: {problem}");
                    }
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{sent:N0} calls over {tools.Count} tools, {values.Count} values each; {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent:N0} calls failed:\n" + string.Join('\n', failures.Take(MaxFailuresShown)));
    }

    private static async Task<string?> ProblemAsync(McpSession mcp, string tool, Dictionary<string, object?> arguments)
    {
        CallToolResult result;
        try
        {
            result = await mcp.Client.CallToolAsync(tool, arguments, cancellationToken: Cancel);
        }
        catch (McpProtocolException e) when (e.ErrorCode is McpErrorCode.ParseError or McpErrorCode.InvalidRequest or McpErrorCode.InvalidParams)
        {
            return null;
        }
        catch (HttpRequestException e) when (e.StatusCode is { } status && (int)status is >= 400 and < 500)
        {
            // The transport refused a message it could not read (not JSON, not UTF-8, too deep) before any tool saw it.
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !Cancel.IsCancellationRequested)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }

        if (result.IsError != true)
        {
            return null;
        }

        var code = result.StructuredContent is { } body ? Code(result) : null;
        return code is null ? $"a tool error without a code: {Text(result)}"
            : InternalCodes.Contains(code) ? $"an internal error: {Text(result)}"
            : null;
    }

    /// <summary>A valid call of every tool, on a session, a workspace and an interview made for the purpose.</summary>
    private static async Task<Dictionary<string, Dictionary<string, object?>>> BaselinesAsync(McpSession mcp)
    {
        var opened = await mcp.CallOkAsync("open_session");
        var (session, writeToken) = (opened.GetProperty("session_id").GetString(), opened.GetProperty("write_token").GetString());
        var viewUrl = opened.GetProperty("view_url").GetString()!;
        var started = await mcp.CallOkAsync("start_scraping", new { website = "https://acme.example" });
        var completed = (await mcp.CallOkAsync("start_interview")).GetProperty("sessionId").GetString();
        foreach (var (answer, i) in ScriptedFounder.Answers.Select((a, i) => (a, i)))
        {
            await mcp.CallOkAsync("save_turn", new { sessionId = completed, messageId = $"msg_{i}", message = answer });
        }

        var interview = (await mcp.CallOkAsync("start_interview")).GetProperty("sessionId").GetString();
        await mcp.CallOkAsync("save_turn", new { sessionId = interview, messageId = "first", message = "We make payroll software for restaurants." });

        var suffix = Guid.NewGuid().ToString("N")[..8];
        return new Dictionary<string, object?>[]
        {
            Of(new { user_agent = "fuzz/1.0", project_hint = "github.com/acme/fuzz", idempotency_key = "fuzz-open" }),
            Of(new { session_id = session, write_token = writeToken, events = new[] { new { type = "onboarding.note", ts = 1, payload = new { text = "x" } } }, idempotency_key = "fuzz-append" }),
            Of(new { session_id = session, view_token = viewUrl[(viewUrl.IndexOf("?t=", StringComparison.Ordinal) + 3)..], after = 0, before = (long?)null, limit = 10 }),
            Of(new { domain = "acme.example" }),
            Of(new { session_id = session, write_token = writeToken, email = $"dev@fuzz-{suffix}.io", org_slug = $"fuzz-{suffix}" }),
            Of(new { website = "https://acme.example", email = "dev@acme.example", firstName = "Dev", lastName = "Eloper", idempotencyKey = "fuzz-scrape" }),
            Of(new { sessionId = started.GetProperty("sessionId").GetString() }),
            Of(new { }),
            Of(new { website = "https://acme.example", linkedinUrl = (string?)null, companyLinkedinUrl = (string?)null, freeformContext = "notes" }),
            Of(new { runId = started.GetProperty("runId").GetString() }),
            Of(new { planType = (string?)null, forceNew = (bool?)null, mode = "founder", idempotencyKey = "fuzz-interview" }),
            Of(new { sessionId = interview, messageId = "first", message = "We make payroll software for restaurants.", expectedVersion = (int?)null }),
            Of(new { sessionId = completed, projectId = (string?)null }),
        }.Zip(["open_session", "append_events", "read_session", "lookup_domain", "request_claim", "start_scraping", "get_onboarding_status", "get_context",
            "regenerate_context", "get_run", "start_interview", "save_turn", "get_brief"]).ToDictionary(p => p.Second, p => p.First);
    }

    private static Dictionary<string, object?> Of(object arguments) =>
        JsonSerializer.SerializeToElement(arguments).EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null)
            .ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    /// <summary>
    /// Puts the hostile value's bytes where the client wrote <see cref="Placeholder"/>: the official client serializes only
    /// what is valid JSON text, while a hostile one sends anything (lone surrogates, invalid UTF-8, nesting past any limit).
    /// </summary>
    private sealed class Splice : DelegatingHandler
    {
        public const string Placeholder = "hostile-value-placeholder";

        private static readonly byte[] Quoted = System.Text.Encoding.UTF8.GetBytes($"\"{Placeholder}\"");

        public byte[]? Value { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Value is { } value && request.Content is { } content)
            {
                var body = await content.ReadAsByteArrayAsync(cancellationToken);
                var at = body.AsSpan().IndexOf(Quoted);
                if (at >= 0)
                {
                    var spliced = new ByteArrayContent([.. body.AsSpan(0, at), .. value, .. body.AsSpan(at + Quoted.Length)]);
                    foreach (var header in content.Headers)
                    {
                        spliced.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }

                    spliced.Headers.ContentLength = null;
                    request.Content = spliced;
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
