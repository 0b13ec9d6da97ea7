using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Onboarding.Api.Sessions;

// The public surface's wire format (docs/api/sessions.md): snake_case, times as epoch milliseconds.

public sealed record CreateSessionRequest(
    [property: JsonPropertyName("user_agent"), Description("The coding agent and its version, e.g. claude-code/0.5.0. At most 200 characters.")]
    string? UserAgent,
    [property: JsonPropertyName("project_hint"), Description("A free-form tag, typically the git remote URL; shown in the viewer. At most 500 characters.")]
    string? ProjectHint);

public sealed record CreateSessionResponse(
    [property: JsonPropertyName("session_id"), Description("ses_ followed by a ULID.")] string SessionId,
    [property: JsonPropertyName("view_url"), Description("The signed, read-only viewer link to hand to the developer.")] string ViewUrl,
    [property: JsonPropertyName("expires_at"), Description("Epoch milliseconds; 30 days after opening unless claimed.")] long ExpiresAt,
    [property: JsonPropertyName("write_token"), Description("Send as Authorization: Bearer on appends and claims. Shown once.")] string WriteToken);

public sealed record EventInput(
    [property: JsonPropertyName("type"), Description("onboarding.* event type; canonical types are validated.")] string Type,
    [property: JsonPropertyName("ts"), Description("When it happened, epoch milliseconds.")] long Ts,
    [property: JsonPropertyName("payload"), Description("At most 64 KB of UTF-8 JSON.")] JsonElement Payload);

public sealed record AppendEventsRequest(
    [property: JsonPropertyName("events"), Description("1 to 100 events, accepted or refused as a whole.")] IReadOnlyList<EventInput> Events);

public sealed record AppendEventsResponse(
    [property: JsonPropertyName("accepted"), Description("How many events were committed.")] int Accepted);

public sealed record SessionEventView(
    [property: JsonPropertyName("seq"), Description("1-based position in the chain, without gaps.")] long Seq,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("ts")] long Ts,
    [property: JsonPropertyName("payload")] RawJson Payload,
    [property: JsonPropertyName("hash"), Description("Hex SHA-256 chaining this event to the previous one.")] string Hash);

public sealed record SessionView(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("opened_at")] long OpenedAt,
    [property: JsonPropertyName("expires_at")] long ExpiresAt,
    [property: JsonPropertyName("claimed")] bool Claimed,
    [property: JsonPropertyName("claimed_by")] string? ClaimedBy,
    [property: JsonPropertyName("user_agent")] string? UserAgent,
    [property: JsonPropertyName("project_hint")] string? ProjectHint,
    [property: JsonPropertyName("last_seq"), Description("Sequence number of the newest event.")] long LastSeq,
    [property: JsonPropertyName("events"), Description("The page of events, oldest first: those after `after`, or the newest before `before`.")] IReadOnlyList<SessionEventView> Events,
    [property: JsonPropertyName("has_more"), Description("True when more events lie in the direction read: newer ones after an `after` read (read again with after = the last seq), older ones before a `before` read (read again with before = the first seq).")] bool HasMore,
    [property: JsonPropertyName("view_token"), Description("A fresh short-lived token for the next read; the viewer shows it in the address bar.")] string ViewToken,
    [property: JsonPropertyName("view_url")] string ViewUrl);

/// <summary>Which events a read returns: up to <paramref name="Limit"/> after <paramref name="After"/>, or the newest before <paramref name="Before"/>.</summary>
public readonly record struct EventWindow(long After, long? Before, int Limit);

public sealed record RevokeViewResponse(
    [property: JsonPropertyName("view_url"), Description("The new viewer link; every earlier token is revoked.")] string ViewUrl);

/// <summary>JSON text written into a response as it is, so a payload's bytes are exactly the hashed ones.</summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(string Text);

public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Text, skipInputValidation: true);
}
