using Onboarding.Api.Infrastructure;
using Onboarding.Api.Infrastructure.OpenApi;

namespace Onboarding.Api.Interviews;

/// <summary>The interview surface's error envelope: <c>{success:false, error:{code, message, retryable, fallbackOptions}}</c>.</summary>
public sealed record InterviewError(bool Success, InterviewErrorBody Error);

public sealed record InterviewErrorBody(string Code, string Message, bool Retryable, IReadOnlyList<string> FallbackOptions);

/// <summary>Every error code of the interview surface, with its status, in one place.</summary>
public static class InterviewErrors
{
    /// <summary>Every code the envelope may carry: its own, and the shared ones it translates.</summary>
    public static readonly IReadOnlyList<string> Codes =
    [
        "INVALID_REQUEST", "INVALID_PLAN", "UNAUTHORIZED", "SESSION_NOT_FOUND", "INVALID_SESSION", "INVALID_STATE",
        "BRIEF_NOT_FOUND", "SESSION_LIMIT_EXCEEDED", "IDEMPOTENCY_KEY_REUSED", "REQUEST_TOO_LARGE", "RATE_LIMITED",
        "AI_SERVICE_UNAVAILABLE", "TEMPORARILY_UNAVAILABLE", "NOT_FOUND", "METHOD_NOT_ALLOWED", "PROCESSING_ERROR",
    ];

    /// <summary>The surface's error shapes, for the OpenAPI document.</summary>
    public static readonly IReadOnlyList<ErrorShape> Shapes =
    [
        new(typeof(InterviewErrorBody), "code", Codes),
        new(typeof(VersionConflictResponse), "status", ["version_conflict"]),
        new(typeof(StateRefusal), "status", ["cannot_revise", "invalid_state"]),
    ];

    /// <summary>The paths that answer in the interview's envelope rather than the public one.</summary>
    public static bool Owns(PathString path) =>
        path.StartsWithSegments("/api/interview", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/api/chat", StringComparison.OrdinalIgnoreCase);

    public static Failure InvalidRequest(string message) => Create(400, "INVALID_REQUEST", message);

    public static Failure InvalidPlan(string message) => Create(400, "INVALID_PLAN", message);

    public static Failure SessionNotFound() =>
        Create(404, "SESSION_NOT_FOUND", "The specified session does not exist", fallback: ["create_new"]);

    /// <summary>complete's name for a session that is missing, not the caller's, or cannot be completed.</summary>
    public static Failure InvalidSession(int status, string message) => Create(status, "INVALID_SESSION", message, fallback: ["create_new"]);

    public static Failure InvalidState(string message, params string[] fallback) => Create(409, "INVALID_STATE", message, fallback: fallback);

    public static Failure BriefNotFound() =>
        Create(404, "BRIEF_NOT_FOUND", "This interview has no brief yet: it is written when the interview completes.", fallback: ["continue_interview"]);

    public static Failure LimitExceeded(string message) =>
        Create(429, "SESSION_LIMIT_EXCEEDED", message, fallback: ["upgrade", "contact_support"]);

    public static Failure IdempotencyKeyReused() =>
        Create(422, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request body.");

    /// <summary>The surface's own shape for a stale <c>expectedVersion</c>.</summary>
    public static Failure VersionConflict(int current, int expected) =>
        new(409, new VersionConflictResponse(false, "version_conflict", current, expected, "Version mismatch"));

    /// <summary>The surface's own shape when revise or queue meet an interview in the wrong state.</summary>
    public static Failure Refused(string status, string error) => new(409, new StateRefusal(false, status, error));

    /// <summary>Answers a shared failure (body reading, authentication, rate limits, unexpected errors) in this surface's envelope.</summary>
    public static JsonHttpResult<InterviewError> Translate(JsonHttpResult<ApiError> error)
    {
        var status = error.StatusCode ?? 500;
        var code = error.Value!.Code switch
        {
            "internal_error" => "PROCESSING_ERROR",
            var other => other.ToUpperInvariant(),
        };
        return Create(status, code, error.Value.Error, retryable: status is 429 or 500 or 503).As<InterviewError>();
    }

    private static Failure Create(int status, string code, string message, bool retryable = false, string[]? fallback = null) =>
        new(status, new InterviewError(false, new InterviewErrorBody(code, message, retryable, fallback ?? [])));
}

public sealed record VersionConflictResponse(bool Success, string Status, int CurrentVersion, int ExpectedVersion, string Error);

/// <summary>The shape revise and queue answer when they meet a session in the wrong state.</summary>
public sealed record StateRefusal(bool Success, string Status, string Error);

/// <summary>Shared failures on the interview's paths answer in its envelope.</summary>
public sealed class InterviewErrorSurface : IErrorSurface
{
    public bool Owns(HttpRequest request) => InterviewErrors.Owns(request.Path);

    public IResult Answer(JsonHttpResult<ApiError> failure) => InterviewErrors.Translate(failure);
}
