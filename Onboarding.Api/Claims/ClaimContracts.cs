using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Onboarding.Api.Claims;

// The session contract's claim wire format: snake_case, epoch milliseconds.

public sealed record LookupResponse(
    [property: JsonPropertyName("claimed"), Description("Whether an organisation already uses this email domain.")] bool Claimed,
    [property: JsonPropertyName("claim_hint"), Description("What to do instead of registering, when claimed.")] string? ClaimHint);

public sealed record ClaimRequest(
    [property: JsonPropertyName("email"), Description("The developer's email; the magic link goes there.")] string? Email,
    [property: JsonPropertyName("org_slug"), Description("3–40 lowercase letters, digits and hyphens.")] string? OrgSlug);

public sealed record ClaimRequestResponse(
    [property: JsonPropertyName("claim_id")] string ClaimId,
    [property: JsonPropertyName("magic_link_sent_to")] string MagicLinkSentTo,
    [property: JsonPropertyName("delivery"), Description("email, or fallback when the link could not be emailed.")] string Delivery,
    [property: JsonPropertyName("delivery_reason"), Description("not_configured or send_failed, with the fallback.")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeliveryReason = null,
    [property: JsonPropertyName("magic_link_preview"), Description("The link itself, with the fallback only.")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MagicLinkPreview = null);

public sealed record ClaimPreview(
    [property: JsonPropertyName("claim_id")] string ClaimId,
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("org_slug")] string OrgSlug,
    [property: JsonPropertyName("expires_at")] long ExpiresAt,
    [property: JsonPropertyName("expired")] bool Expired,
    [property: JsonPropertyName("confirmed")] bool Confirmed);

public sealed record ClaimConfirmation(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("org")] string Org,
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("api_key"), Description("Shown once; only its SHA-256 is kept.")] string ApiKey,
    [property: JsonPropertyName("api_key_id")] string ApiKeyId,
    [property: JsonPropertyName("api_key_prefix")] string ApiKeyPrefix);
