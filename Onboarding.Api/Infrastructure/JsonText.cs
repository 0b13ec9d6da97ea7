using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Onboarding.Api.Infrastructure;

/// <summary>
/// The one rule for text in a request: any Unicode except NUL, which no Postgres <c>text</c> or <c>jsonb</c> value can
/// hold, and unpaired surrogates, which are not Unicode and have no UTF-8 form. A valid UTF-8 body can carry either only
/// as a <c>\u</c> escape, so only strings with escapes need decoding to check. Opaque JSON kept as sent (an event's
/// payload, in a <c>json</c> column) is exempt: <see cref="Compact"/> keeps such characters as their escapes.
/// </summary>
public static class JsonText
{
    private const string Nul = "contains a NUL character (\\u0000), which text may not hold";
    private const string UnpairedSurrogate = "contains an unpaired surrogate (\\uD800–\\uDFFF without its other half), which is not Unicode text";

    // Keeps '<', '&' and non-ASCII text as themselves, so a payload's size is what the agent sent.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Why this string value breaks the rule, or null when it does not (or is no string).</summary>
    public static string? Problem(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? Problem(Content(JsonMarshal.GetRawUtf8Value(value))) : null;

    /// <summary>
    /// The refusal for the first string or property name that breaks the rule, naming where it is
    /// (<c>userContext.referralSource</c>), or null. String values under <paramref name="opaque"/> are kept as sent and
    /// not checked (the path's segments, <c>[]</c> for any index: <c>["events", "[]", "payload"]</c>); property names
    /// are checked everywhere, since duplicates are refused and a name that is not text cannot be compared as text.
    /// </summary>
    public static string? FirstProblem(JsonElement root, params string[] opaque)
    {
        if (Find(root, opaque, matched: 0) is not { } found)
        {
            return null;
        }

        var (path, inName, problem) = found;
        return inName
            ? $"A property name in {(path.Length == 0 ? "the body" : path)} {problem}."
            : $"{(path.Length == 0 ? "The body" : path)} {problem}.";
    }

    /// <summary>
    /// The compact JSON text of a value, as stored and hashed: no whitespace, numbers as sent, strings escaped the
    /// relaxed way, and NUL and unpaired surrogates kept as <c>\u</c> escapes (Postgres' <c>json</c> stores those).
    /// </summary>
    public static string Compact(JsonElement value)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteCompact(value, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Where the first problem is, relative to <paramref name="element"/>; the path is built on the way back up.</summary>
    private static (string Path, bool InName, string Problem)? Find(JsonElement element, string[] opaque, int matched)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (Problem(JsonMarshal.GetRawUtf8PropertyName(property)) is { } problem)
                    {
                        return ("", true, problem);
                    }

                    if (Find(property.Value, opaque, Next(opaque, matched, property.Name)) is { } found)
                    {
                        return found with { Path = found.Path.Length == 0 || found.Path[0] == '[' ? property.Name + found.Path : $"{property.Name}.{found.Path}" };
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, opaque, Next(opaque, matched, "[]")) is { } found)
                    {
                        return found with { Path = found.Path.Length == 0 || found.Path[0] == '[' ? $"[{index}]{found.Path}" : $"[{index}].{found.Path}" };
                    }

                    index++;
                }

                return null;
            case JsonValueKind.String when !Inside(opaque, matched):
                return Problem(element) is { } stringProblem ? ("", false, stringProblem) : null;
            default:
                return null;
        }
    }

    /// <summary>How much of the opaque path the child's path matches (all of it inside the opaque value), or -1 once it left it.</summary>
    private static int Next(string[] opaque, int matched, string segment) =>
        Inside(opaque, matched) ? matched
        : matched >= 0 && matched < opaque.Length && opaque[matched] == segment ? matched + 1
        : -1;

    private static bool Inside(string[] opaque, int matched) => opaque.Length > 0 && matched == opaque.Length;

    /// <summary>The raw text of a string value without its quotes.</summary>
    private static ReadOnlySpan<byte> Content(ReadOnlySpan<byte> quoted) => quoted[1..^1];

    /// <summary>Checks escaped string content: only a <c>\u</c> escape can spell NUL or a surrogate in valid UTF-8 JSON.</summary>
    private static string? Problem(ReadOnlySpan<byte> escaped)
    {
        if (escaped.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        var awaitingLow = false;
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != (byte)'\\' || escaped[i + 1] != (byte)'u')
            {
                if (awaitingLow)
                {
                    return UnpairedSurrogate;
                }

                // Skip the escaped character, so that "\\u" (a backslash, then u) is not read as an escape.
                i += escaped[i] == (byte)'\\' ? 1 : 0;
                continue;
            }

            var unit = (char)int.Parse(escaped.Slice(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            i += 5;
            if (unit == '\0')
            {
                return Nul;
            }

            if (awaitingLow != char.IsLowSurrogate(unit))
            {
                return UnpairedSurrogate;
            }

            awaitingLow = char.IsHighSurrogate(unit);
        }

        return awaitingLow ? UnpairedSurrogate : null;
    }

    private static void WriteCompact(JsonElement element, ArrayBufferWriter<byte> output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                output.Write("{"u8);
                foreach (var property in element.EnumerateObject())
                {
                    Separate(output);
                    WriteString(JsonMarshal.GetRawUtf8PropertyName(property), output);
                    output.Write(":"u8);
                    WriteCompact(property.Value, output);
                }

                output.Write("}"u8);
                break;
            case JsonValueKind.Array:
                output.Write("["u8);
                foreach (var item in element.EnumerateArray())
                {
                    Separate(output);
                    WriteCompact(item, output);
                }

                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                WriteString(Content(JsonMarshal.GetRawUtf8Value(element)), output);
                break;
            default:
                output.Write(JsonMarshal.GetRawUtf8Value(element));
                break;
        }
    }

    /// <summary>A comma before every member or item but the first, which follows its opening bracket.</summary>
    private static void Separate(ArrayBufferWriter<byte> output)
    {
        if (output.WrittenSpan[^1] is not ((byte)'{' or (byte)'['))
        {
            output.Write(","u8);
        }
    }

    /// <summary>Writes escaped string content back in the relaxed escaping, each unpaired surrogate as its own escape.</summary>
    private static void WriteString(ReadOnlySpan<byte> escaped, ArrayBufferWriter<byte> output)
    {
        output.Write("\""u8);
        if (escaped.IndexOf((byte)'\\') < 0)
        {
            output.Write(JsonEncodedText.Encode(escaped, Encoder).EncodedUtf8Bytes);
        }
        else
        {
            var text = Unescape(escaped);
            var start = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(text[i]))
                {
                    output.Write(JsonEncodedText.Encode(text.AsSpan(start, i - start), Encoder).EncodedUtf8Bytes);
                    output.Write(Encoding.ASCII.GetBytes($"\\u{(int)text[i]:X4}"));
                    start = i + 1;
                }
            }

            output.Write(JsonEncodedText.Encode(text.AsSpan(start), Encoder).EncodedUtf8Bytes);
        }

        output.Write("\""u8);
    }

    /// <summary>Decodes escaped string content into UTF-16, keeping unpaired surrogates (which JSON readers refuse to give).</summary>
    private static string Unescape(ReadOnlySpan<byte> escaped)
    {
        var text = new StringBuilder(escaped.Length);
        while (escaped.Length > 0)
        {
            var backslash = escaped.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                text.Append(Encoding.UTF8.GetString(escaped));
                break;
            }

            text.Append(Encoding.UTF8.GetString(escaped[..backslash]));
            var kind = escaped[backslash + 1];
            if (kind == (byte)'u')
            {
                text.Append((char)int.Parse(escaped.Slice(backslash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                escaped = escaped[(backslash + 6)..];
                continue;
            }

            text.Append(kind switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => (char)kind, // '"', '\\' and '/' stand for themselves
            });
            escaped = escaped[(backslash + 2)..];
        }

        return text.ToString();
    }
}
