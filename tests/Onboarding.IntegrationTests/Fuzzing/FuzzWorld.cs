using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>
/// A valid call of an operation: its query and body, with <c>{placeholders}</c> for what its world makes, and what an
/// accepted call uses up (a confirmed link, a regeneration's day, an interview's plan), to be made afresh for the next.
/// </summary>
public sealed record Baseline(string? Query = null, string? Body = null, params string[] Consumes);

/// <summary>
/// What one operation's calls need to be valid, made on first use and kept to that operation: a session, a claim link, a
/// workspace and its key, a scrape run, interviews. What one operation's calls change (a revoked view token, a rotated
/// key, a used link) so cannot refuse another's.
/// </summary>
public sealed partial class FuzzWorld(HttpClient http, int number)
{
    /// <summary>A valid call of every operation; the document decides which fields and parameters each has.</summary>
    public static readonly IReadOnlyDictionary<string, Baseline> Baselines = new Dictionary<string, Baseline>
    {
        ["POST /onboarding/sessions"] = new(Body: """{"user_agent":"fuzz-agent/1.0","project_hint":"github.com/acme/fuzz"}"""),
        ["POST /onboarding/sessions/{sessionId}/events"] = new(Body: """
            {"events":[{"type":"onboarding.repo_scanned","ts":1746478291000,"payload":{"frameworks":["langgraph"],
             "agents":[{"path":"agents/support.py","framework":"langgraph","model":"gpt-4o","capabilities":["consumer_chatbot"],"tier":"limited"}]}}]}
            """),
        ["GET /onboarding/sessions/{sessionId}"] = new(Query: "t={viewToken}&after=0"),
        ["POST /onboarding/sessions/{sessionId}/view-tokens/revoke"] = new(),
        ["GET /onboarding/lookup"] = new(Query: "domain=example.com"),
        ["POST /onboarding/sessions/{sessionId}/claim"] = new(Body: """{"email":"dev@{unique}.example","org_slug":"{unique}"}"""),
        ["GET /onboarding/claim/{claimId}"] = new(Query: "t={claimToken}"),
        ["HEAD /onboarding/claim/{claimId}"] = new(Query: "t={claimToken}"),
        ["POST /onboarding/claim/{claimId}"] = new(Query: "t={claimToken}", Consumes: ["claim", "claimToken"]),
        ["GET /api/me"] = new(),
        ["POST /api/keys/rotate"] = new(),
        ["POST /api/onboarding/start-scraping"] = new(Body: """{"website":"https://acme.example","email":"sid@acme.example","firstName":"Sid","lastName":"Lee"}"""),
        ["GET /api/onboarding/status"] = new(Query: "sessionId={scrape}"),
        ["GET /api/onboarding/status/stream"] = new(Query: "sessionId={scrape}"),
        ["GET /api/context"] = new(),
        ["GET /api/context/versions"] = new(Query: "limit=10"),
        ["GET /api/workspace/agent-session"] = new(),
        ["PUT /api/context"] = new(Body: """
            {"companyContext":{"name":"Acme","website":"https://acme.example","tagline":"Widgets","description":"Acme sells widgets.",
              "products":[{"name":"Widget","description":"A widget."}],"pricing":["Pro $29/month"],"customers":["Globex"],
              "headquarters":"Berlin","sources":{"name":["https://acme.example"]}},
             "marketContext":{"category":"Tools","industries":["Retail"],"valuePropositions":["Fast"],"differentiators":["Cheap"],
              "competitors":["Initech"],"pricingModel":"Subscription","sources":{"category":["https://acme.example"]}},
             "icp":{"summary":"Shops","industries":["Retail"],"companySizes":["SMB"],"roles":["Owner"],"painPoints":["Stock"],
              "useCases":["Inventory"],"regions":["EU"],"sources":{"summary":["https://acme.example"]}},
             "userContext":{"firstName":"Sid","lastName":"Lee","email":"sid@acme.example","linkedinUrl":"https://www.linkedin.com/in/sid",
              "companyLinkedinUrl":"https://www.linkedin.com/company/acme"},
             "extraContext":{"freeform":"We sell widgets."}}
            """),
        ["POST /api/context/regenerate"] = new(Body: """
            {"website":"https://acme.example","linkedinUrl":"https://www.linkedin.com/in/sid","companyLinkedinUrl":"https://www.linkedin.com/company/acme",
             "freeformContext":"We sell widgets."}
            """, Consumes: ["apiKey"]),
        ["GET /api/runs"] = new(Query: "limit=20"),
        ["GET /api/runs/{runId}"] = new(),
        ["POST /api/interview/start"] = new(Body: """
            {"planType":"trial","mode":"founder","userContext":{"referralSource":"a friend","previousExperience":"first_time","timeAvailable":30}}
            """),
        ["GET /api/interview/status"] = new(Query: "sessionId={interview}"),
        ["POST /api/interview/pause"] = new(Body: """{"sessionId":"{interview}"}"""),
        ["POST /api/interview/abandon"] = new(Body: """{"sessionId":"{interview}"}"""),
        ["POST /api/interview/recover"] = new(Body: """{"sessionId":"{interview}"}"""),
        ["POST /api/interview/revise"] = new(Body: """{"sessionId":"{completedInterview}"}""", Consumes: ["apiKey", "completedInterview"]),
        ["POST /api/interview/complete"] = new(Body: """
            {"sessionId":"{interview}","finalConfirmation":true,
             "entrepreneurBrief":{"company_name":"Ledgerline Ltd","business_concept":"Ledgerline reconciles books."},
             "userFeedback":{"conversationRating":5,"clarityRating":4,"helpfulnessRating":5,"comments":"Helpful."}}
            """, Consumes: ["apiKey", "interview"]),
        ["GET /api/interview/brief"] = new(Query: "sessionId={completedInterview}"),
        ["POST /api/interview/queue"] = new(Body: """{"sessionId":"{completedInterview}"}""", Consumes: ["apiKey", "completedInterview"]),
        ["POST /api/chat/stream"] = new(Body: """
            {"sessionId":"{interview}","messages":[{"role":"user","content":"We build Ledgerline.","timestamp":"2026-01-01T00:00:00Z"}]}
            """),
        ["POST /api/chat/save"] = new(Body: """
            {"sessionId":"{interview}","messageId":"msg_fuzz","expectedVersion":null,
             "userMessage":{"role":"user","content":"We build Ledgerline.","timestamp":"2026-01-01T00:00:00Z"},
             "assistantMessage":{"role":"assistant","content":"Who is it for?","timestamp":"2026-01-01T00:00:01Z"}}
            """),
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    // The valid call as the values now stand, kept since every case starts from a copy of it.
    private RequestDraft? _baseline;

    /// <summary>A copy of the operation's valid call in this world, to change.</summary>
    public async Task<RequestDraft> BaselineAsync(Operation operation) =>
        (_baseline ??= await RequestDraft.BaselineAsync(operation, this)).Copy();

    /// <summary>The path's parameters as this world fills them.</summary>
    public static string PlaceholderOf(string parameter, string path) => parameter switch
    {
        "claimId" => "claim",
        "runId" => "run",
        _ => path.StartsWith("/onboarding/", StringComparison.Ordinal) ? "session" : parameter,
    };

    /// <summary>Replaces each <c>{placeholder}</c> with its value, making what it names on first use.</summary>
    public async Task<string> FillAsync(string template)
    {
        foreach (var name in Placeholder().Matches(template).Select(m => m.Groups[1].Value).Distinct())
        {
            template = template.Replace($"{{{name}}}", await ValueAsync(name), StringComparison.Ordinal);
        }

        return template;
    }

    public async Task<string> ValueAsync(string name)
    {
        if (!_values.ContainsKey(name))
        {
            await MakeAsync(name);
            _baseline = null;
        }

        return _values[name];
    }

    /// <summary>
    /// Takes in an accepted call: forgets what it used up, and adopts what it hands back that later calls must use (the
    /// key a rotation issued).
    /// </summary>
    public void Accepted(Operation operation, JsonNode? response)
    {
        foreach (var name in Baselines[operation.Key].Consumes)
        {
            _values.Remove(name);
            _baseline = null;
        }

        if (response?["apiKey"] is JsonValue key && key.TryGetValue<string>(out var issued))
        {
            _values["apiKey"] = issued;
            _baseline = null;
        }
    }

    private async Task MakeAsync(string name)
    {
        var sessions = new SessionsClient(http);
        switch (name)
        {
            case "session" or "writeToken" or "viewToken":
                var session = await sessions.OpenAsync();
                (_values["session"], _values["writeToken"], _values["viewToken"]) = (session.Id, session.WriteToken, session.ViewToken);
                break;
            case "otherWriteToken":
                _values[name] = (await sessions.OpenAsync()).WriteToken;
                break;
            case "claim" or "claimToken":
                var claimed = await sessions.OpenAsync();
                using (var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{claimed.Id}/claim"))
                {
                    // A confirmed link claims its domain and slug: each link gets its own.
                    var fresh = $"link{number}-{Guid.NewGuid():N}"[..24];
                    request.Content = JsonContent.Create(new { email = $"dev@{fresh}.example", org_slug = fresh });
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", claimed.WriteToken);
                    var link = new Uri((await Json(await http.SendAsync(request, Cancel)))["magic_link_preview"]!.GetValue<string>());
                    (_values["claim"], _values["claimToken"]) = (link.AbsolutePath.Split('/')[^1], Uri.UnescapeDataString(link.Query["?t=".Length..]));
                }

                break;
            case "apiKey" or "otherApiKey":
                _values[name] = (await sessions.ClaimWorkspaceAsync()).Key;
                break;
            case "scrape" or "run":
                var started = await Json(await Send(HttpMethod.Post, "/api/onboarding/start-scraping", new { website = "https://acme.example" }));
                (_values["scrape"], _values["run"]) = (started["sessionId"]!.GetValue<string>(), started["runId"]!.GetValue<string>());
                break;
            case "interview":
                _values[name] = (await Json(await Send(HttpMethod.Post, "/api/interview/start", new { })))["sessionId"]!.GetValue<string>();
                break;
            case "completedInterview":
                var id = (await Json(await Send(HttpMethod.Post, "/api/interview/start", new { forceNew = true })))["sessionId"]!.GetValue<string>();
                foreach (var (answer, i) in ScriptedFounder.Answers.Select((a, i) => (a, i)))
                {
                    using var saved = await Send(HttpMethod.Post, "/api/chat/save", new
                    {
                        sessionId = id,
                        messageId = $"msg_{i}",
                        userMessage = new { role = "user", content = answer },
                        assistantMessage = new { role = "assistant", content = "Tell me more." },
                    });
                }

                _values[name] = id;
                break;
            case "unique":
                _values[name] = $"fuzz{number}-{Guid.NewGuid():N}"[..24];
                break;
            default:
                throw new InvalidOperationException($"No world value is called {name}.");
        }
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ValueAsync("apiKey"));
        return await http.SendAsync(request, Cancel);
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Cancel);
            return response.IsSuccessStatusCode ? JsonNode.Parse(text)! : throw new InvalidOperationException($"Making the world: {(int)response.StatusCode} {text}");
        }
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
