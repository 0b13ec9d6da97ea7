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

/// <summary>Which page of events a read asks for: the ones after a seq, or the newest ones before a seq.</summary>
public readonly record struct EventRange(long? After, long? Before, int Limit)
{
    /// <summary>The events after <paramref name="seq"/>, oldest first.</summary>
    public static EventRange Following(long seq, int limit) => new(seq, null, limit);

    /// <summary>The newest events before <paramref name="seq"/>.</summary>
    public static EventRange Preceding(long seq, int limit) => new(null, seq, limit);

    /// <summary>The session's newest events.</summary>
    public static EventRange Newest(int limit) => new(null, long.MaxValue, limit);

    public string Query => Before is { } before
        ? FormattableString.Invariant($"before={before}&limit={Limit}")
        : FormattableString.Invariant($"after={After ?? 0}&limit={Limit}");
}

/// <summary>The public surface's error envelope: <c>{ "error": "...", "code": "..." }</c>.</summary>
public sealed record ApiErrorBody(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("code")] string? Code);
