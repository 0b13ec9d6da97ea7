using System.Text.Json.Serialization;

namespace Onboarding.Web.Services;

// The Web's own copy of the magic-link claim contract (docs/api/sessions.md, snake_case, epoch milliseconds).

/// <summary>The claim preview: who claims what. Reading it never changes anything.</summary>
public sealed record ClaimPreview(
    [property: JsonPropertyName("claim_id")] string ClaimId,
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("org_slug")] string OrgSlug,
    [property: JsonPropertyName("expires_at")] long ExpiresAt,
    [property: JsonPropertyName("expired")] bool Expired,
    [property: JsonPropertyName("confirmed")] bool Confirmed);

/// <summary>A confirmed claim: the new org and its API key, whose plaintext the Api returns this once.</summary>
public sealed record ClaimConfirmed(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("org")] string Org,
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("api_key")] string ApiKey,
    [property: JsonPropertyName("api_key_id")] string ApiKeyId,
    [property: JsonPropertyName("api_key_prefix")] string ApiKeyPrefix)
{
    // Records print their properties; the key must never reach a log line through ToString.
    public override string ToString() => $"ClaimConfirmed {{ Org = {Org}, SessionId = {SessionId}, ApiKeyId = {ApiKeyId} }}";
}

/// <summary>The claim errors' envelope: the public one, plus <c>claim_hint</c> on <c>domain_already_claimed</c>.</summary>
public sealed record ClaimErrorBody(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("claim_hint")] string? ClaimHint);

/// <summary>Why a claim cannot be previewed or confirmed; each has its own page.</summary>
public enum ClaimFailure
{
    /// <summary>401 <c>token_invalid</c>: a wrong or unknown link, one a newer link replaced, or one that expired.</summary>
    TokenInvalid,

    /// <summary>The preview says the link's time ran out.</summary>
    LinkExpired,

    /// <summary>410 <c>session_expired</c>: the session passed its 30 days unclaimed.</summary>
    SessionExpired,

    /// <summary>The claim was confirmed already (preview <c>confirmed</c>, or 409 <c>already_confirmed</c>).</summary>
    AlreadyConfirmed,

    /// <summary>409 <c>domain_already_claimed</c>: the email's domain has an org; <c>claim_hint</c> says what to do.</summary>
    DomainAlreadyClaimed,

    /// <summary>409 <c>org_slug_taken</c>.</summary>
    OrgSlugTaken,

    /// <summary>409 <c>session_already_claimed</c>: another claim of the same session won.</summary>
    SessionAlreadyClaimed,

    /// <summary>429 <c>rate_limited</c>.</summary>
    RateLimited,

    /// <summary>503, no answer, or an answer the page does not understand.</summary>
    ApiUnavailable,
}

/// <summary>What went wrong, with the Api's words, its hint and how long to wait when it said so.</summary>
public sealed record ClaimProblemDetails(ClaimFailure Failure, string? Detail = null, string? ClaimHint = null, TimeSpan? RetryAfter = null);

/// <summary>A claim preview read: the preview, or why there is none.</summary>
public sealed record ClaimPreviewRead(ClaimPreview? Preview, ClaimProblemDetails? Problem)
{
    public static ClaimPreviewRead Success(ClaimPreview preview) => new(preview, null);

    public static ClaimPreviewRead Failed(ClaimProblemDetails problem) => new(null, problem);
}

/// <summary>A confirmation: the org and key, or why there are none.</summary>
public sealed record ClaimConfirmation(ClaimConfirmed? Confirmed, ClaimProblemDetails? Problem)
{
    public static ClaimConfirmation Success(ClaimConfirmed confirmed) => new(confirmed, null);

    public static ClaimConfirmation Failed(ClaimProblemDetails problem) => new(null, problem);
}
