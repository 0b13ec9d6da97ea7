using System.Text.Json;
using System.Text.Json.Serialization;

namespace Onboarding.Web.Services;

// The Web's own copy of the public read contract (docs/api/sessions.md, snake_case, epoch milliseconds).
// It is a consumer of the Api over HTTP, so it does not share the Api's types.

/// <summary>One event of a session's chain as the viewer read returns it.</summary>
public sealed record SessionEventView(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("ts")] long Ts,
    [property: JsonPropertyName("payload")] JsonElement Payload,
    [property: JsonPropertyName("hash")] string Hash);

/// <summary>The viewer read: session metadata, the events after <c>after</c>, and a rotated token.</summary>
public sealed record SessionView(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("opened_at")] long OpenedAt,
    [property: JsonPropertyName("expires_at")] long ExpiresAt,
    [property: JsonPropertyName("claimed")] bool Claimed,
    [property: JsonPropertyName("claimed_by")] string? ClaimedBy,
    [property: JsonPropertyName("user_agent")] string? UserAgent,
    [property: JsonPropertyName("project_hint")] string? ProjectHint,
    [property: JsonPropertyName("last_seq")] long LastSeq,
    [property: JsonPropertyName("events")] IReadOnlyList<SessionEventView> Events,
    [property: JsonPropertyName("has_more")] bool HasMore,
    [property: JsonPropertyName("view_token")] string ViewToken,
    [property: JsonPropertyName("view_url")] string ViewUrl);

/// <summary>The public surface's error envelope: <c>{ "error": "...", "code": "..." }</c>.</summary>
public sealed record ApiErrorBody(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("code")] string? Code);
