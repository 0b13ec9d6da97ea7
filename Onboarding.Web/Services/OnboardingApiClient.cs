using System.Net;

namespace Onboarding.Web.Services;

/// <summary>Why a session could not be read; each has its own page.</summary>
public enum SessionReadFailure
{
    /// <summary>401 <c>token_invalid</c>: wrong, expired or revoked link.</summary>
    TokenInvalid,

    /// <summary>404 <c>session_not_found</c>.</summary>
    SessionNotFound,

    /// <summary>410 <c>session_expired</c>: the 30 days passed and the events were deleted.</summary>
    SessionExpired,

    /// <summary>The Api did not answer, or answered something the viewer does not understand.</summary>
    ApiUnavailable,
}

/// <summary>A session read: the view, or why there is none.</summary>
public sealed record SessionRead(SessionView? View, SessionReadFailure? Failure, string? Detail = null)
{
    public static SessionRead Success(SessionView view) => new(view, null);

    public static SessionRead Failed(SessionReadFailure failure, string? detail = null) => new(null, failure, detail);
}

/// <summary>The Api's public session surface, as the viewer uses it.</summary>
public sealed class OnboardingApiClient(HttpClient httpClient, ILogger<OnboardingApiClient> logger)
{
    /// <summary>The most a page's body may take to arrive once its headers have (a page is at most about 1 MiB).</summary>
    public static readonly TimeSpan BodyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Reads a session's metadata and one page of its events with a view token.</summary>
    public Task<SessionRead> ReadSessionAsync(string sessionId, string token, EventRange range, CancellationToken cancellationToken = default) =>
        ReadAsync(sessionId, token, range, async response =>
        {
            var view = await response.Content.ReadFromJsonAsync<SessionView>(cancellationToken);
            return view is { SessionId: not null, Events: not null, ViewToken: not null }
                ? SessionRead.Success(view)
                : SessionRead.Failed(SessionReadFailure.ApiUnavailable, "The Api answered without a session.");
        }, failure => failure, HttpCompletionOption.ResponseContentRead, cancellationToken);

    /// <summary>
    /// Reads the same page, but hands its JSON, as the Api sent it, to <paramref name="parse"/> instead of building
    /// objects from it: the chain check verifies a long session's events straight from the bytes and keeps none of them.
    /// JSON that <paramref name="parse"/> refuses (null) is an unavailable Api.
    /// </summary>
    public Task<(T? Page, SessionRead? Failure)> ReadSessionJsonAsync<T>(
        string sessionId, string token, EventRange range, Func<ReadOnlySpan<byte>, T?> parse, CancellationToken cancellationToken = default)
        where T : struct =>
        ReadAsync<(T?, SessionRead?)>(sessionId, token, range, async response =>
        {
            // Read into a pooled buffer, not HttpClient's own; the pipeline's timeouts end at the headers, so this has its own.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(BodyTimeout);
            using var json = await PooledBody.ReadAsync(response.Content, deadline.Token);
            return parse(json.Bytes) is { } page
                ? (page, null)
                : (null, SessionRead.Failed(SessionReadFailure.ApiUnavailable, "The Api answered without a session."));
        }, failure => (null, failure), HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    private async Task<T> ReadAsync<T>(
        string sessionId, string token, EventRange range, Func<HttpResponseMessage, Task<T>> success, Func<SessionRead, T> failed,
        HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var uri = $"/onboarding/sessions/{Uri.EscapeDataString(sessionId)}?t={Uri.EscapeDataString(token)}&{range.Query}";
        return await ApiCall.GuardAsync(async () =>
        {
            using var response = await httpClient.GetAsync(uri, completion, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return await success(response);
            }

            var error = await ApiCall.ReadJsonAsync<ApiErrorBody>(response, cancellationToken);
            return failed((error?.Code, response.StatusCode) switch
            {
                ("token_invalid", _) or (null, HttpStatusCode.Unauthorized) => SessionRead.Failed(SessionReadFailure.TokenInvalid, error?.Error),
                ("session_not_found", _) or (null, HttpStatusCode.NotFound) => SessionRead.Failed(SessionReadFailure.SessionNotFound, error?.Error),
                ("session_expired", _) or (null, HttpStatusCode.Gone) => SessionRead.Failed(SessionReadFailure.SessionExpired, error?.Error),
                _ => Unavailable($"The Api answered {(int)response.StatusCode} {error?.Code}".TrimEnd()),
            });
        }, detail => failed(Unavailable(detail)), cancellationToken);

        SessionRead Unavailable(string detail)
        {
            logger.LogWarning("Reading session {SessionId} ({Range}) failed: {Detail}", sessionId, range.Query, detail);
            return SessionRead.Failed(SessionReadFailure.ApiUnavailable, detail);
        }
    }

    /// <summary>Reads a claim's preview with its magic-link token; never changes the claim, so retries are safe.</summary>
    public Task<ClaimPreviewRead> PreviewClaimAsync(string claimId, string token, CancellationToken cancellationToken = default) =>
        ClaimResponses.GuardAsync(async () =>
        {
            using var response = await httpClient.GetAsync(ClaimResponses.Path(claimId, token), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return ClaimPreviewRead.Failed(await ClaimResponses.ProblemAsync(response, cancellationToken));
            }

            var preview = await response.Content.ReadFromJsonAsync<ClaimPreview>(cancellationToken);
            return preview is { ClaimId: not null, SessionId: not null, Email: not null, OrgSlug: not null }
                ? ClaimPreviewRead.Success(preview)
                : ClaimPreviewRead.Failed(new ClaimProblemDetails(ClaimFailure.ApiUnavailable, "The Api answered without a claim."));
        }, ClaimPreviewRead.Failed, logger, "Previewing", claimId, cancellationToken);
}
