using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Onboarding.Bench.Infrastructure;

/// <summary>An agent's session: what opening one hands back.</summary>
public sealed record AgentSession(string Id, string ViewUrl, string WriteToken);

/// <summary>A claimed workspace: its API key and who it acts for.</summary>
public sealed record Workspace(string ApiKey, string OrgId, string UserId);

/// <summary>
/// The Api as its clients call it: a coding agent (open, append, claim) and a workspace (start-scraping, status).
/// One pooled HTTP/1.1 client with as many connections as the load needs, as a load generator would use.
/// </summary>
public sealed class OnboardingClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 4096,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        UseCookies = false,
        UseProxy = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public Uri BaseAddress => baseAddress;

    /// <summary>The pooled client itself, for requests this class does not shape.</summary>
    public HttpClient Http => _http;

    /// <summary>One canonical event per append, validated like any other: the body every append scenario sends.</summary>
    public static readonly byte[] OneEvent = Encoding.UTF8.GetBytes(
        """{"events":[{"type":"onboarding.jurisdiction_selected","ts":1746478291000,"payload":{"jurisdiction":"AE"}}]}""");

    public async Task<AgentSession> OpenSessionAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("/onboarding/sessions", new { user_agent = "onboarding-bench/1.0" }, cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        return new AgentSession(body["session_id"]!.GetValue<string>(), body["view_url"]!.GetValue<string>(), body["write_token"]!.GetValue<string>());
    }

    /// <summary>Appends <see cref="OneEvent"/>; returns the status code (202 when committed).</summary>
    public async Task<HttpStatusCode> AppendAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/events")
        {
            Content = new ByteArrayContent(OneEvent) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.WriteToken);
        using var response = await _http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>Opens a session and claims it through the link the Api shows when no email provider is configured.</summary>
    public async Task<Workspace> ClaimWorkspaceAsync(CancellationToken cancellationToken = default)
    {
        var session = await OpenSessionAsync(cancellationToken);
        var slug = "bench-" + Guid.NewGuid().ToString("N")[..10];
        var link = await RequestClaimAsync(session, $"founder@{slug}.example", slug, cancellationToken);
        using var confirmed = await _http.PostAsync(link.PathAndQuery, null, cancellationToken);
        var apiKey = (await ReadAsync(confirmed, cancellationToken))["api_key"]!.GetValue<string>();
        using var me = await SendAsync(HttpMethod.Get, "/api/me", apiKey, null, cancellationToken);
        var who = await ReadAsync(me, cancellationToken);
        return new Workspace(apiKey, who["org"]!["id"]!.GetValue<string>(), who["user"]!["id"]!.GetValue<string>());
    }

    /// <summary>Asks for the claim of a session; returns the magic link (shown in the answer without an email provider).</summary>
    public async Task<Uri> RequestClaimAsync(AgentSession session, string email, string slug, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/claim")
        {
            Content = JsonContent.Create(new { email, org_slug = slug }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.WriteToken);
        using var claimed = await _http.SendAsync(request, cancellationToken);
        return new Uri((await ReadAsync(claimed, cancellationToken))["magic_link_preview"]?.GetValue<string>()
            ?? throw new InvalidOperationException("The claim sent an email instead of showing its link; run without an email provider."));
    }

    public async Task<(Guid SessionId, string RunId)> StartScrapingAsync(Workspace workspace, Uri website, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/onboarding/start-scraping", workspace.ApiKey, new { website = website.ToString() }, cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        return (body["sessionId"]!.GetValue<Guid>(), body["runId"]!.GetValue<string>());
    }

    /// <summary>The scrape session's status as clients poll it (docs/api/workspace.md).</summary>
    public async Task<string?> StatusAsync(Workspace workspace, Guid sessionId, CancellationToken cancellationToken = default)
    {
        using var response = await StatusResponseAsync(workspace, sessionId, cancellationToken);
        return (await ReadAsync(response, cancellationToken))["session"]?["status"]?.GetValue<string>();
    }

    /// <summary>The raw status call, for the polling load: the caller reads and disposes the response.</summary>
    public Task<HttpResponseMessage> StatusResponseAsync(Workspace workspace, Guid sessionId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"/api/onboarding/status?sessionId={sessionId}", workspace.ApiKey, null, cancellationToken);

    /// <summary>A run with its timeline of steps.</summary>
    public async Task<JsonNode> RunAsync(Workspace workspace, string runId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/runs/{runId}", workspace.ApiKey, null, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string apiKey, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return await _http.SendAsync(request, cancellationToken);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!;
    }
}
