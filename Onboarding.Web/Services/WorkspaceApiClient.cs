using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;

namespace Onboarding.Web.Services;

/// <summary>
/// The Api's workspace surface for the dashboard, authorised with the signed-in user's API key, which comes from
/// the server-side sign-in and never reaches the browser.
/// </summary>
public sealed class WorkspaceApiClient(HttpClient httpClient, AuthenticationStateProvider authentication, TimeProvider time)
{
    /// <summary>Checks a pasted key; used at sign-in, before there is a signed-in user.</summary>
    public Task<WorkspaceResult<MeView>> MeAsync(string apiKey, CancellationToken cancellationToken = default) =>
        SendAsync<MeView>(HttpMethod.Get, "/api/me", null, apiKey, cancellationToken);

    /// <summary>The given onboarding session, or the latest.</summary>
    public async Task<WorkspaceResult<StatusView>> StatusAsync(Guid? sessionId = null, CancellationToken cancellationToken = default) =>
        await SendAsync<StatusView>(HttpMethod.Get, "/api/onboarding/status" + (sessionId is { } id ? $"?sessionId={id}" : ""), null, await KeyAsync(), cancellationToken);

    public async Task<WorkspaceResult<StartScrapingResult>> StartScrapingAsync(string website, CancellationToken cancellationToken = default) =>
        await SendAsync<StartScrapingResult>(HttpMethod.Post, "/api/onboarding/start-scraping", new { website }, await KeyAsync(), cancellationToken);

    /// <summary>The signed-in org's id, from the sign-in when it holds it, else from the Api.</summary>
    public async Task<WorkspaceResult<string>> OrgIdAsync(CancellationToken cancellationToken = default)
    {
        if ((await authentication.GetAuthenticationStateAsync()).User.OrgId() is { } orgId)
        {
            return new(orgId);
        }

        var me = await CurrentUserAsync(cancellationToken);
        return me.Ok ? new(me.Value!.Org.Id) : new(null, me.Problem, me.Message);
    }

    /// <summary>The signed-in user's org and user.</summary>
    public async Task<WorkspaceResult<MeView>> CurrentUserAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<MeView>(HttpMethod.Get, "/api/me", null, await KeyAsync(), cancellationToken);

    /// <summary>The coding agent's session the workspace was claimed from.</summary>
    public async Task<WorkspaceResult<AgentSessionResponse>> AgentSessionAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<AgentSessionResponse>(HttpMethod.Get, "/api/workspace/agent-session", null, await KeyAsync(), cancellationToken);

    public async Task<WorkspaceResult<RunsView>> RunsAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<RunsView>(HttpMethod.Get, "/api/runs?limit=100", null, await KeyAsync(), cancellationToken);

    public async Task<WorkspaceResult<RunDetailsView>> RunAsync(string runId, CancellationToken cancellationToken = default) =>
        await SendAsync<RunDetailsView>(HttpMethod.Get, $"/api/runs/{Uri.EscapeDataString(runId)}", null, await KeyAsync(), cancellationToken);

    public async Task<WorkspaceResult<ContextView>> ContextAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<ContextView>(HttpMethod.Get, "/api/context", null, await KeyAsync(), cancellationToken);

    /// <summary>The context's generations, newest first, each with what it changed.</summary>
    public async Task<WorkspaceResult<ContextVersionsView>> ContextVersionsAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<ContextVersionsView>(HttpMethod.Get, "/api/context/versions", null, await KeyAsync(), cancellationToken);

    public async Task<WorkspaceResult<RegenerateResult>> RegenerateAsync(
        string? website, string? linkedinUrl, string? freeformContext, CancellationToken cancellationToken = default) =>
        await SendAsync<RegenerateResult>(HttpMethod.Post, "/api/context/regenerate", new { website, linkedinUrl, freeformContext }, await KeyAsync(), cancellationToken);

    private async Task<string?> KeyAsync() => (await authentication.GetAuthenticationStateAsync()).User.ApiKey();

    private async Task<WorkspaceResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, string? apiKey, CancellationToken cancellationToken)
    {
        if (apiKey is null)
        {
            return new(default, WorkspaceProblem.Unauthorized, "Sign in with an API key.");
        }

        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return await ApiCall.GuardAsync<WorkspaceResult<T>>(async () =>
        {
            using var response = await httpClient.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new(await response.Content.ReadFromJsonAsync<T>(cancellationToken));
            }

            var error = await ApiCall.ReadJsonAsync<JsonNode>(response, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new(default, WorkspaceProblem.Unauthorized, "The API key was revoked or rotated. Sign in again."),
                HttpStatusCode.TooManyRequests => new(default, WorkspaceProblem.RateLimited, error?["error"]?.GetValue<string>(), RetryAt(response, error)),
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new(default, WorkspaceProblem.Invalid, error?["error"]?.GetValue<string>()),
                _ => new(default, WorkspaceProblem.Unavailable, $"The onboarding service answered {(int)response.StatusCode}."),
            };
        }, _ => new(default, WorkspaceProblem.Unavailable, "The onboarding service cannot be reached right now."), cancellationToken);
    }

    /// <summary>Regenerate's 429 says when in its body; others in Retry-After.</summary>
    private DateTimeOffset? RetryAt(HttpResponseMessage response, JsonNode? error) =>
        error?["nextAvailableAt"]?.GetValue<DateTimeOffset>()
        ?? (response.Headers.RetryAfter?.Delta is { } delta ? time.GetUtcNow() + delta : null);
}
