namespace Onboarding.Api.Infrastructure.OpenApi;

/// <summary>
/// An error body and the codes it may carry: the OpenAPI document lists them as the property's enum, and the test
/// suite's fuzzer refuses any answer with a code outside them. Each surface registers its own shapes.
/// </summary>
public sealed record ErrorShape(Type Body, string Property, IReadOnlyList<string> Codes)
{
    /// <summary>The codes of the shared <c>{error, code}</c> envelope of the public and the workspace surfaces.</summary>
    public static readonly ErrorShape Envelope = new(typeof(ApiError), "code",
    [
        "invalid_request", "token_invalid", "unauthorized", "session_not_found", "run_not_found", "session_expired",
        "event_too_large", "session_full", "request_too_large", "idempotency_key_reused", "session_already_claimed", "already_confirmed",
        "domain_already_claimed", "org_slug_taken", "email_already_registered", "rate_limited", "temporarily_unavailable",
        "not_found", "method_not_allowed", "internal_error",
    ]);
}
