using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Onboarding.Api.Infrastructure;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>
/// Text Postgres cannot store, or that is not Unicode at all, on every surface: refused with the field named where the
/// field is text, kept as sent where the payload is opaque; and text longer than its column. Each of these answered 500
/// before its fix; the fuzzer (<c>Fuzzing/ApiFuzzTests</c>) found the last two.
/// </summary>
public sealed class HostileTextTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"user_agent":"agent\u0000/1.0"}""", "user_agent")]
    [InlineData("""{"project_hint":"github.com/acme\u0000"}""", "project_hint")]
    [InlineData("""{"user_agent":"agent/1.0","project_hint":"\ud800"}""", "project_hint")]
    public async Task OpeningASessionWithANulOrUnpairedSurrogateIsRefusedNamingTheField(string body, string field)
    {
        using var response = await _client.Http.PostAsync("/onboarding/sessions", Json(body), Cancel);

        await AssertErrorAsync(response, 400, "invalid_request");
        Assert.StartsWith(field + " contains", await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task ANulInFirstNameIsRefusedAndStartsNoScrape()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();

        using var response = await SendAsync(key, HttpMethod.Post, "/api/onboarding/start-scraping", """{"website":"https://acme.example","firstName":"Sid\u0000"}""");

        await AssertErrorAsync(response, 400, "invalid_request");
        Assert.StartsWith("firstName contains a NUL character", await ErrorMessageAsync(response));
        using var status = await SendAsync(key, HttpMethod.Get, "/api/onboarding/status", null);
        Assert.Equal("""{"session":null}""", await status.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task ANulInFreeformContextIsRefusedAndUsesNoRegeneration()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();

        using var refused = await SendAsync(key, HttpMethod.Post, "/api/context/regenerate", """{"website":"https://acme.example","freeformContext":"We sell\u0000 widgets"}""");
        using var allowed = await SendAsync(key, HttpMethod.Post, "/api/context/regenerate", """{"website":"https://acme.example","freeformContext":"We sell widgets"}""");

        await AssertErrorAsync(refused, 400, "invalid_request");
        Assert.StartsWith("freeformContext contains a NUL character", await ErrorMessageAsync(refused));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task ANulInTheInterviewsReferralSourceIsRefusedInItsOwnEnvelope()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();

        using var response = await SendAsync(key, HttpMethod.Post, "/api/interview/start", """{"userContext":{"referralSource":"a friend\u0000"}}""");
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(body["success"]!.GetValue<bool>());
        Assert.Equal("INVALID_REQUEST", body["error"]!["code"]!.GetValue<string>());
        Assert.StartsWith("userContext.referralSource contains a NUL character", body["error"]!["message"]!.GetValue<string>());
        using var status = await SendAsync(key, HttpMethod.Get, "/api/interview/status", null);
        Assert.Null((await ReadJsonAsync(status))["sessionId"]);
    }

    [Theory]
    [InlineData("onboarding.note", """{"text":"a\ud800b","nul":"\u0000","pair":"\ud83d\ude00","reversed":"\udc00\ud800"}""",
        """{"text":"a\uD800b","nul":"\u0000","pair":"\uD83D\uDE00","reversed":"\uDC00\uD800"}""")]
    [InlineData("onboarding.jurisdiction_selected", """{"jurisdiction":"AE","note":"\ud800"}""", """{"jurisdiction":"AE","note":"\uD800"}""")]
    public async Task AnOpaquePayloadKeepsUnpairedSurrogatesAndNulAsSentAndTheChainVerifies(string type, string payload, string stored)
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendRawAsync(session.Id, $$"""{"events":[{"type":"{{type}}","ts":1,"payload":{{payload}}}]}""", session.WriteToken);
        using var read = await _client.ReadAsync(session.Id, session.ViewToken);
        var raw = await read.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var document = JsonDocument.Parse(raw);
        // Stored and answered in the compact form every payload gets (escapes spelled as the JSON writer spells them).
        Assert.Equal(stored, document.RootElement.GetProperty("events")[1].GetProperty("payload").GetRawText());
        Chain.AssertVerifies(raw);
    }

    [Theory]
    [InlineData("""{"input":"\ud800","capabilities":["chat"],"inferred_tier":"limited"}""", "events[0].payload.input")]
    [InlineData("""{"input":"chat","capabilities":["a","\udc00"],"inferred_tier":"limited"}""", "events[0].payload.capabilities[1]")]
    [InlineData("""{"input":"chat","capabilities":["a"],"inferred_tier":"\ud800"}""", "events[0].payload.inferred_tier must be one of")]
    public async Task AnUnpairedSurrogateInACanonicalFieldTheViewerShowsIsRefusedNamingIt(string payload, string named)
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendRawAsync(session.Id, $$"""{"events":[{"type":"onboarding.capabilities_inferred","ts":1,"payload":{{payload}}}]}""", session.WriteToken);

        await AssertErrorAsync(response, 400, "invalid_request");
        Assert.StartsWith(named, await ErrorMessageAsync(response));
    }

    [Theory]
    [InlineData("""{"events":[{"type":"onboarding.note\u0000","ts":1,"payload":{}}]}""", "events[0].type contains a NUL character")]
    [InlineData("""{"events":[{"type":"onboarding.note","ts":1,"payload":{}}],"\ud800":1}""", "A property name in the body contains an unpaired surrogate")]
    [InlineData("""{"events":[{"type":"onboarding.note","ts":1,"payload":{"\udc00":1}}]}""", "A property name in events[0].payload contains an unpaired surrogate")]
    public async Task OutsideThePayloadsValuesAnAppendBodyIsText(string body, string message)
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendRawAsync(session.Id, body, session.WriteToken);

        await AssertErrorAsync(response, 400, "invalid_request");
        Assert.StartsWith(message, await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task APropertyNameThatIsNotTextIsRefusedWhereverItIs()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();

        using var response = await SendAsync(key, HttpMethod.Put, "/api/context",
            """{"companyContext":{"name":"Acme","website":"https://acme.example","sources":{"name\u0000":["https://acme.example"]}}}""");

        await AssertErrorAsync(response, 400, "invalid_request");
        Assert.Equal("A property name in companyContext.sources contains a NUL character (\\u0000), which text may not hold.", await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task AContextsCompanyNameLongerThanItsColumnIsRefusedAndOneThatFitsIsKept()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();

        using var refused = await SendAsync(key, HttpMethod.Put, "/api/context", Context(new string('n', 201)));
        using var kept = await SendAsync(key, HttpMethod.Put, "/api/context", Context(new string('n', 200)));

        await AssertErrorAsync(refused, 400, "invalid_request");
        Assert.Contains("companyContext.name", await ErrorMessageAsync(refused));
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(new string('n', 200), (await ReadJsonAsync(kept))["companyName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("marketContext", """{"basis":"stated","confidence":1e309}""", "confidence")]
    [InlineData("icp", """{"basis":"stated","confidence":"NaN"}""", "confidence")]
    [InlineData("companyContext", """{"basis":"stated","confidence":1.5}""", "confidence")]
    [InlineData("companyContext", """{"basis":"guessed","confidence":0.5}""", "basis")]
    public async Task EvidenceGivenByHandIsABasisAndAConfidenceFromZeroToOne(string part, string evidence, string field)
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        var body = part == "companyContext"
            ? """{"companyContext":{"name":"Acme","website":"https://acme.example","evidence":{"tagline":""" + evidence + "}}}"
            : "{\"" + part + "\":{\"evidence\":{\"category\":" + evidence + "}}}";

        using var refused = await SendAsync(key, HttpMethod.Put, "/api/context", body);

        await AssertErrorAsync(refused, 400, "invalid_request");
        Assert.StartsWith($"{part}.evidence.", await ErrorMessageAsync(refused));
        Assert.Contains($".{field} must be", await ErrorMessageAsync(refused));
    }

    [Fact]
    public async Task ABriefsCompanyNameLongerThanTheProjectsIsRefusedInTheInterviewsEnvelope()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        using var started = await SendAsync(key, HttpMethod.Post, "/api/interview/start", "{}");
        var sessionId = (await ReadJsonAsync(started))["sessionId"]!.GetValue<string>();

        using var refused = await SendAsync(key, HttpMethod.Post, "/api/interview/complete", Completion(sessionId, new string('n', 201)));
        using var completed = await SendAsync(key, HttpMethod.Post, "/api/interview/complete", Completion(sessionId, new string('n', 200)));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await ReadJsonAsync(refused))["error"]!;
        Assert.Equal("INVALID_REQUEST", error["code"]!.GetValue<string>());
        Assert.Contains("entrepreneurBrief.company_name", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(new string('n', 200), (await ReadJsonAsync(completed))["projectCreated"]!["projectName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"a":1,"b":[true,false,null,-0,1e400,1.50E+3],"c":{"d":"x"}}""")]
    [InlineData("""{"markup":"<b>&amp;</b>","escaped":"\u003c\/\u00e9\n\t\"\\","line":"\u2028\u0085\u007f\u001f"}""")]
    [InlineData("""{"emoji":"😀","cjk":"漢字","rtl":"\u202eevil","zw":"a\u200bb\ufeff","nonchar":"\uffff\ufffe"}""")]
    [InlineData("""{"\u00e9t\u00e9":"summer","\"":"quote","":""}""")]
    public void CompactingValidTextWritesWhatTheJsonWriterWrites(string json)
    {
        // Payloads stored before the compactor handled unpaired surrogates were written by Utf8JsonWriter: same bytes.
        using var document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.RootElement.WriteTo(writer);
        }

        Assert.Equal(Encoding.UTF8.GetString(stream.ToArray()), JsonText.Compact(document.RootElement));
    }

    private static string Context(string companyName) =>
        JsonSerializer.Serialize(new { companyContext = new { name = companyName, website = "https://acme.example" } });

    private static string Completion(string sessionId, string companyName) =>
        JsonSerializer.Serialize(new { sessionId, finalConfirmation = true, entrepreneurBrief = new Dictionary<string, string> { ["company_name"] = companyName } });

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _client.Http.SendAsync(request, Cancel);
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["error"]!.GetValue<string>();
}
