using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>An opened session as its agent holds it.</summary>
public sealed record OpenedSession(string Id, string ViewUrl, long ExpiresAt, string WriteToken)
{
    public string ViewToken => ViewUrl[(ViewUrl.IndexOf("?t=", StringComparison.Ordinal) + 3)..];
}

/// <summary>The agent's and the viewer's calls, in the wire format of the session contract.</summary>
/// <summary>A claim's magic link, as its fallback preview shows it.</summary>
public sealed record ClaimLink(string ClaimId, string Token)
{
    public string ApiPath => $"/onboarding/claim/{ClaimId}?t={Token}";
}

public sealed class SessionsClient(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<OpenedSession> OpenAsync(object? body = null)
    {
        using var response = await http.PostAsJsonAsync("/onboarding/sessions", body ?? new { user_agent = "test-agent/1.0", project_hint = "github.com/acme/agents" }, Cancel);
        var json = await ReadJsonAsync(response);
        Assert.Equal(200, (int)response.StatusCode);
        return new OpenedSession(json["session_id"]!.GetValue<string>(), json["view_url"]!.GetValue<string>(), json["expires_at"]!.GetValue<long>(), json["write_token"]!.GetValue<string>());
    }

    /// <summary>Opens a session and claims it through its fallback link: a new org, whose API key this returns.</summary>
    public async Task<(string Key, string Slug, string Email)> ClaimWorkspaceAsync()
    {
        var session = await OpenAsync();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (slug, email) = ($"team-{suffix}", $"dev@team-{suffix}.io");
        using var request = ClaimRequest(session, email, slug);
        var preview = (await ReadJsonAsync(await http.SendAsync(request, Cancel)))["magic_link_preview"]!.GetValue<string>();
        using var confirm = await http.PostAsync(new Uri(preview).PathAndQuery, null, Cancel);
        return ((await ReadJsonAsync(confirm))["api_key"]!.GetValue<string>(), slug, email);
    }

    /// <summary>Asks for the session's claim link and reads it from the fallback preview.</summary>
    public async Task<ClaimLink> RequestLinkAsync(OpenedSession session, string email, string slug)
    {
        using var response = await http.SendAsync(ClaimRequest(session, email, slug), Cancel);
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToJsonString());
        var preview = body["magic_link_preview"]!.GetValue<string>();
        return new ClaimLink(body["claim_id"]!.GetValue<string>(), preview[(preview.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);
    }

    /// <summary>Confirms the link; returns the new org's API key.</summary>
    public async Task<string> ConfirmAsync(ClaimLink link)
    {
        using var response = await http.PostAsync(link.ApiPath, null, Cancel);
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body["api_key"]!.GetValue<string>();
    }

    public static HttpRequestMessage ClaimRequest(OpenedSession session, string email, string slug, string? writeToken = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/claim")
        {
            Content = JsonContent.Create(new { email, org_slug = slug }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", writeToken ?? session.WriteToken);
        return request;
    }

    /// <summary>A slug and a company domain no other test uses.</summary>
    public static (string Slug, string Domain) UniqueOrg()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return ($"acme-{suffix}", $"acme-{suffix}.com");
    }

    public Task<HttpResponseMessage> AppendAsync(OpenedSession session, object body, string? idempotencyKey = null, string? writeToken = null) =>
        AppendRawAsync(session.Id, JsonSerializer.Serialize(body), writeToken ?? session.WriteToken, idempotencyKey);

    public async Task<HttpResponseMessage> AppendRawAsync(string sessionId, string json, string? writeToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{sessionId}/events")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (writeToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", writeToken);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request, Cancel);
    }

    public Task<HttpResponseMessage> ReadAsync(string sessionId, string? token, long? after = null) =>
        http.GetAsync($"/onboarding/sessions/{sessionId}?t={Uri.EscapeDataString(token ?? "")}" + (after is null ? "" : $"&after={after}"), Cancel);

    public async Task<JsonNode> ReadOkAsync(OpenedSession session, long? after = null)
    {
        using var response = await ReadAsync(session.Id, session.ViewToken, after);
        var json = await ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        return json;
    }

    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel)) ?? throw new InvalidOperationException("empty body");

    /// <summary>Asserts the contract's error envelope with the given status and code.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(status == (int)response.StatusCode, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        Assert.Equal(code, json["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(json["error"]!.GetValue<string>()));
    }

    public static object Event(string type, object payload, long ts = 1746478291000) => new { type, ts, payload };

    public static object Batch(params object[] events) => new { events };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
}
