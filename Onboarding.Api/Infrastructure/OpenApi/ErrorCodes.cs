using Onboarding.Api.Interviews;
using Onboarding.Api.Workspaces;

namespace Onboarding.Api.Infrastructure.OpenApi;

/// <summary>
/// Every code an error body may carry, as the API reference (and README) documents them: the OpenAPI document lists them
/// as each envelope's enum, and the test suite's fuzzer refuses any answer with a code outside them.
/// </summary>
public static class ErrorCodes
{
    /// <summary>The <c>{error, code}</c> envelope of the public and the workspace surfaces.</summary>
    public static readonly IReadOnlyList<string> Envelope =
    [
        "invalid_request", "token_invalid", "unauthorized", "session_not_found", "run_not_found", "session_expired",
        "event_too_large", "session_full", "request_too_large", "idempotency_key_reused", "session_already_claimed", "already_confirmed",
        "domain_already_claimed", "org_slug_taken", "email_already_registered", "rate_limited", "temporarily_unavailable",
        "not_found", "method_not_allowed", "internal_error",
    ];

    /// <summary>The interview surface's envelope: its own codes, and the shared ones it translates.</summary>
    public static readonly IReadOnlyList<string> Interview =
    [
        "INVALID_REQUEST", "INVALID_PLAN", "UNAUTHORIZED", "SESSION_NOT_FOUND", "INVALID_SESSION", "INVALID_STATE",
        "BRIEF_NOT_FOUND", "SESSION_LIMIT_EXCEEDED", "IDEMPOTENCY_KEY_REUSED", "REQUEST_TOO_LARGE", "RATE_LIMITED",
        "AI_SERVICE_UNAVAILABLE", "TEMPORARILY_UNAVAILABLE", "NOT_FOUND", "METHOD_NOT_ALLOWED", "PROCESSING_ERROR",
    ];

    /// <summary>The property that carries the code in each error shape, and the codes it may hold.</summary>
    public static readonly IReadOnlyDictionary<Type, (string Property, IReadOnlyList<string> Codes)> ByShape =
        new Dictionary<Type, (string, IReadOnlyList<string>)>
        {
            [typeof(ApiError)] = ("code", Envelope),
            [typeof(RegenerateRefusal)] = ("code", ["rate_limited"]),
            [typeof(InterviewErrorBody)] = ("code", Interview),
            [typeof(VersionConflictResponse)] = ("status", ["version_conflict"]),
            [typeof(StateRefusal)] = ("status", ["cannot_revise", "invalid_state"]),
        };
}
