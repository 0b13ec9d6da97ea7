using System.Text.Json.Serialization;

namespace Onboarding.Api.Infrastructure;

/// <summary>
/// The public surface's error envelope (docs/api/sessions.md): <c>{ "error": "...", "code": "..." }</c>;
/// <c>domain_already_claimed</c> adds the contract's <c>claim_hint</c>.
/// </summary>
public sealed record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("claim_hint"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClaimHint = null);

/// <summary>Every error the public surface returns, with its status code, in one place.</summary>
public static class Errors
{
    public static JsonHttpResult<ApiError> InvalidRequest(string message) =>
        Create(StatusCodes.Status400BadRequest, "invalid_request", message);

    public static JsonHttpResult<ApiError> UnsupportedMediaType() =>
        Create(StatusCodes.Status415UnsupportedMediaType, "invalid_request", "The body must be JSON (Content-Type: application/json).");

    public static JsonHttpResult<ApiError> TokenInvalid() =>
        Create(StatusCodes.Status401Unauthorized, "token_invalid", "The token is wrong, expired, or revoked.");

    public static JsonHttpResult<ApiError> SessionNotFound() =>
        Create(StatusCodes.Status404NotFound, "session_not_found", "The session does not exist.");

    public static JsonHttpResult<ApiError> SessionExpired() =>
        Create(StatusCodes.Status410Gone, "session_expired", "The session passed its 30-day expiry and its events were deleted.");

    public static JsonHttpResult<ApiError> EventTooLarge(int index, int limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "event_too_large",
            $"events[{index}].payload is larger than {limit} bytes of UTF-8 JSON. Truncate or summarise it before retrying.");

    public static JsonHttpResult<ApiError> SessionFull(int limit) =>
        Create(StatusCodes.Status409Conflict, "session_full",
            $"The session holds its maximum of {limit} events; open a new session for more.");

    public static JsonHttpResult<ApiError> RequestTooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The request body is larger than {limit} bytes.");

    public static JsonHttpResult<ApiError> IdempotencyKeyReused() =>
        Create(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request body.");

    public static JsonHttpResult<ApiError> SessionAlreadyClaimed() =>
        Create(StatusCodes.Status409Conflict, "session_already_claimed", "This session already belongs to an organisation.");

    public static JsonHttpResult<ApiError> DomainAlreadyClaimed(string hint) =>
        TypedResults.Json(new ApiError("The email's domain already belongs to an organisation.", "domain_already_claimed", hint), statusCode: StatusCodes.Status409Conflict);

    public static JsonHttpResult<ApiError> OrgSlugTaken(string slug) =>
        Create(StatusCodes.Status409Conflict, "org_slug_taken", $"The org slug '{slug}' is taken. Choose another and request a new link.");

    public static JsonHttpResult<ApiError> EmailAlreadyRegistered() =>
        Create(StatusCodes.Status409Conflict, "email_already_registered", "This email already belongs to a member of an organisation.");

    public static JsonHttpResult<ApiError> AlreadyConfirmed() =>
        Create(StatusCodes.Status409Conflict, "already_confirmed", "This claim was already confirmed; its API key was shown then. Rotate the key if it was lost.");

    public static JsonHttpResult<ApiError> RateLimited() =>
        Create(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests. Wait for the time in Retry-After, then try again.");

    public static JsonHttpResult<ApiError> TemporarilyUnavailable() =>
        Create(StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable",
            "This endpoint is unavailable while its rate limiter cannot be reached. Try again shortly.");

    public static JsonHttpResult<ApiError> DependencyUnavailable() =>
        Create(StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable",
            "The database or cache is briefly unreachable and the request may not have been applied. Retry after Retry-After; "
            + "with the same Idempotency-Key a retry is safe.");

    public static JsonHttpResult<ApiError> Unauthorized() =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "A valid API key is required: Authorization: Bearer onb_….");

    public static JsonHttpResult<ApiError> Create(int status, string code, string message) =>
        TypedResults.Json(new ApiError(message, code), statusCode: status);
}
