using System.Net;
using System.Net.Http.Headers;

namespace Onboarding.Web.Services;

/// <summary>What the claim endpoints' answers and failures mean, shared by the preview and the confirmation.</summary>
internal static class ClaimResponses
{
    /// <summary>The claim's address on the Api. The token is a secret: this string is never logged.</summary>
    public static string Path(string claimId, string token) =>
        $"/onboarding/claim/{Uri.EscapeDataString(claimId)}?t={Uri.EscapeDataString(token)}";

    /// <summary>Maps an error answer to its failure, keeping the Api's words, hint and Retry-After.</summary>
    public static async Task<ClaimProblemDetails> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = await ApiCall.ReadJsonAsync<ClaimErrorBody>(response, cancellationToken);
        var failure = (error?.Code, response.StatusCode) switch
        {
            ("token_invalid", _) or (null, HttpStatusCode.Unauthorized) => ClaimFailure.TokenInvalid,
            ("session_expired", _) or (null, HttpStatusCode.Gone) => ClaimFailure.SessionExpired,
            ("already_confirmed", _) => ClaimFailure.AlreadyConfirmed,
            ("domain_already_claimed", _) => ClaimFailure.DomainAlreadyClaimed,
            ("org_slug_taken", _) => ClaimFailure.OrgSlugTaken,
            ("session_already_claimed", _) => ClaimFailure.SessionAlreadyClaimed,
            ("rate_limited", _) or (null, HttpStatusCode.TooManyRequests) => ClaimFailure.RateLimited,
            _ => ClaimFailure.ApiUnavailable,
        };
        var detail = failure == ClaimFailure.ApiUnavailable
            ? $"The Api answered {(int)response.StatusCode} {error?.Code}".TrimEnd()
            : error?.Error;
        return new ClaimProblemDetails(failure, detail, error?.ClaimHint, RetryAfter(response.Headers.RetryAfter));
    }

    /// <summary>Runs one call (<see cref="ApiCall.GuardAsync"/>); the Api failing to answer is <see cref="ClaimFailure.ApiUnavailable"/>.</summary>
    public static Task<T> GuardAsync<T>(Func<Task<T>> call, Func<ClaimProblemDetails, T> failed, ILogger logger,
        string action, string claimId, CancellationToken cancellationToken) =>
        ApiCall.GuardAsync(call, detail =>
        {
            // The claim id only: the token and the key are secrets.
            logger.LogWarning("{Action} of claim {ClaimId} failed: {Detail}", action, claimId, detail);
            return failed(new ClaimProblemDetails(ClaimFailure.ApiUnavailable, detail));
        }, cancellationToken);

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
