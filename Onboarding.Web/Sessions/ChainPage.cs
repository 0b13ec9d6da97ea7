using System.Text;
using System.Text.Json;

namespace Onboarding.Web.Sessions;

/// <summary>What a verification read learned besides its events: how many it held, and the token for the next read.</summary>
public readonly record struct ChainPage(string ViewToken, int Events);

/// <summary>
/// Verifies the events of one page of <c>GET /onboarding/sessions/{id}</c> straight from its JSON: each event's parts
/// are read where they lie in the response (the payload's bytes exactly as sent, which is what was hashed) and linked
/// onto the chain, so a long session's pages leave nothing behind but the verified hashes. Fields go by the names the
/// Api writes (<see cref="Services.SessionView"/>); a missing one counts as empty, so the event does not link, and a
/// value of the wrong kind refuses the page, as the typed read does.
/// </summary>
public static class ChainPages
{
    /// <summary>Links the page's events after the verified ones; null when the JSON is not a session page.</summary>
    public static ChainPage? Verify(ReadOnlySpan<byte> json, ChainVerifier verifier)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var (token, events) = ((string?)null, (int?)null);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("events"u8))
                {
                    events = VerifyEvents(ref reader, json, verifier);
                }
                else if (reader.ValueTextEquals("view_token"u8))
                {
                    reader.Read();
                    token = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return token is not null && events is { } count ? new ChainPage(token, count) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // Not JSON, or a value of the wrong kind: the same answer the typed read gives.
            return null;
        }
    }

    /// <summary>The events array: how many it holds, or null when it is not an array.</summary>
    private static int? VerifyEvents(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ChainVerifier verifier)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        // Events verified before this page (offered from the live loop's reads) are skipped, not linked twice.
        var verified = verifier.Status.VerifiedCount;
        var count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            count++;
            var e = new RawEvent();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = FieldOf(ref reader);
                reader.Read();
                switch (field)
                {
                    case Field.Seq:
                        e.Seq = reader.GetInt64();
                        break;
                    case Field.Type:
                        e.Type = TextAt(ref reader);
                        break;
                    case Field.Ts:
                        e.Ts = reader.GetInt64();
                        break;
                    case Field.Payload:
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        e.Payload = new Range(start, (int)reader.BytesConsumed);
                        break;
                    case Field.Hash:
                        e.Hash = TextAt(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (e.Seq > verified && !Link(verifier, json, e))
            {
                // Broken: the rest of the page cannot link, but it is still counted and its token still read.
                verified = long.MaxValue;
            }
        }

        return reader.TokenType == JsonTokenType.EndArray ? count : null;
    }

    // Compared as JSON text, so a name written with escapes is still the name.
    private static Field FieldOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("seq"u8) ? Field.Seq
        : reader.ValueTextEquals("type"u8) ? Field.Type
        : reader.ValueTextEquals("ts"u8) ? Field.Ts
        : reader.ValueTextEquals("payload"u8) ? Field.Payload
        : reader.ValueTextEquals("hash"u8) ? Field.Hash
        : Field.Other;

    /// <summary>
    /// A string field: where its value lies (without the quotes), and its text when it was written with escapes (legal,
    /// if odd for a type or a hex hash). Null reads as empty; any other kind is refused, as the typed read refuses it.
    /// </summary>
    private static Text TextAt(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => new Text(new Range((int)reader.TokenStartIndex + 1, (int)reader.BytesConsumed - 1), reader.ValueIsEscaped ? reader.GetString() : null),
        JsonTokenType.Null => default,
        _ => throw new JsonException($"Expected a string, found {reader.TokenType}."),
    };

    private static bool Link(ChainVerifier verifier, ReadOnlySpan<byte> json, RawEvent e)
    {
        var type = e.Type.Escaped is { } typeText ? Encoding.UTF8.GetBytes(typeText) : json[e.Type.Value];
        if (e.Hash.Escaped is { } hashText)
        {
            return verifier.Link(e.Seq, type, e.Ts, json[e.Payload], hashText);
        }

        // A hash is 64 hex digits; anything much longer cannot match and is not copied.
        var hash = json[e.Hash.Value];
        Span<char> hex = stackalloc char[128];
        return verifier.Link(e.Seq, type, e.Ts, json[e.Payload], hash.Length <= hex.Length ? hex[..Encoding.UTF8.GetChars(hash, hex)] : "-");
    }

    private enum Field
    {
        Other,
        Seq,
        Type,
        Ts,
        Payload,
        Hash,
    }

    private readonly record struct Text(Range Value, string? Escaped);

    /// <summary>One event's fields as found; absent ones stay empty (an empty range).</summary>
    private struct RawEvent
    {
        public long Seq;
        public long Ts;
        public Text Type;
        public Text Hash;
        public Range Payload;
    }
}
