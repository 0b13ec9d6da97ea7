using System.Text;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>A value to put where a field's value goes: raw bytes, so it may be JSON that is not (or not UTF-8). Null leaves the field out.</summary>
public sealed record Hostile(string Name, byte[]? Json);

/// <summary>
/// What the fuzzer fills a field, a parameter or a header with: the corpus every field gets once, and a seeded generator
/// that mixes the same ingredients at random lengths and depths.
/// </summary>
public static class HostileValues
{
    /// <summary>Every body field gets each of these once.</summary>
    public static readonly IReadOnlyList<Hostile> Corpus =
    [
        new("left out", null),
        .. Strings(),
        .. InvalidUtf8(),
        .. Numbers(),
        .. Shapes(),
    ];

    /// <summary>Path and query values, percent-encoded as they go into the address.</summary>
    public static readonly IReadOnlyList<(string Name, string Encoded)> UrlValues =
    [
        ("empty", ""), ("NUL", "%00"), ("NUL inside", "a%00b"), ("byte FF", "%FF"), ("overlong slash", "%C0%AF"),
        ("UTF-8 surrogate", "%ED%A0%80"), ("bidi override", "%E2%80%AEabc"), ("zero-width space", "%E2%80%8B"), ("BOM", "%EF%BB%BF"),
        ("traversal", "..%2F..%2Fetc%2Fpasswd"), ("dot dot", ".."), ("slash", "%2F"), ("backslash", "%5C"), ("SQL", "'%20OR%201%3D1--"),
        ("markup", "%3Cscript%3E"), ("5,000 characters", new string('a', 5_000)), ("u umlaut", "%C3%BC"), ("emoji", "%F0%9F%98%80"),
        ("-1", "-1"), ("0", "0"), ("-0", "-0"), ("1e400", "1e400"), ("past long", "9223372036854775808"), ("past int", "2147483648"),
        ("NaN", "NaN"), ("plus one", "%2B1"), ("space one", "%201"), ("1.5", "1.5"), ("hex", "0x10"), ("true", "true"), ("null", "null"),
        ("brackets", "%5B%5D"), ("space", "%20"), ("tab", "%09"), ("CRLF header", "%0D%0AX-Injected:1"),
        ("unknown session", "ses_01HZZZZZZZZZZZZZZZZZZZZZZZ"), ("bare prefix", "ses_"), ("claim prefix", "clm_"), ("run prefix", "run_"),
        ("interview prefix", "itv_01HZZZZZZZZZZZZZZZZZZZZZZZ"), ("zero uuid", "00000000-0000-0000-0000-000000000000"),
        ("upper uuid", "0195F3A1-0000-7000-8000-000000000000"), ("uuid braces", "%7B0195f3a1-0000-7000-8000-000000000000%7D"),
    ];

    /// <summary>A random value from the same ingredients as the corpus: strings, numbers, literals, structures, or a corpus entry.</summary>
    public static Hostile Random(Random random)
    {
        var roll = random.Next(100);
        var json = roll switch
        {
            < 40 => RandomString(random),
            < 65 => RandomNumber(random),
            < 75 => random.GetItems(["true", "false", "null", "NaN", "Infinity", "-Infinity", "undefined", "nul", "tru"], 1)[0],
            < 90 => RandomStructure(random, random.Next(random.Next(4) == 0 ? 100 : 6)),
            _ => null,
        };
        return json is null ? Corpus[random.Next(Corpus.Count)] : new Hostile($"random {json.Length} chars", Encoding.UTF8.GetBytes(json));
    }

    private static IEnumerable<Hostile> Strings()
    {
        static Hostile S(string name, string jsonString) => new(name, Encoding.UTF8.GetBytes($"\"{jsonString}\""));
        yield return S("empty string", "");
        yield return S("spaces", "   ");
        yield return S("whitespace", "\\t\\n\\r \\u00a0\\u2003");
        yield return S("NUL", "\\u0000");
        yield return S("NUL inside", "a\\u0000b");
        yield return S("C0 controls", string.Concat(Enumerable.Range(1, 31).Select(c => $"\\u{c:x4}")));
        yield return S("DEL and C1", "\\u007f\\u0080\\u009f");
        yield return S("lone high surrogate", "\\ud800");
        yield return S("lone low surrogate", "\\udfff");
        yield return S("reversed surrogates", "\\udc00\\ud800");
        yield return S("high surrogate then text", "\\udbffx");
        yield return S("two high surrogates", "\\ud800\\ud800");
        yield return S("surrogate pair", "\\ud83d\\ude00");
        yield return S("escaped backslash before u0000", "\\\\u0000");
        yield return S("bidi overrides", "\\u202eabc\\u202d\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f");
        yield return S("zero-width characters", "a\\u200b\\u200c\\u200d\\u2060\\ufeffb");
        yield return S("noncharacters", "\\ufffe\\uffff\\ufdd0");
        yield return S("replacement character", "\\ufffd");
        yield return S("1,000 combining marks", "e" + string.Concat(Enumerable.Repeat("\\u0301", 1_000)));
        yield return S("line separators", "\\u2028\\u2029");
        yield return S("emoji", "😀👩‍👩‍👧🏳️‍🌈");
        yield return S("right-to-left", "مرحبا עברית");
        yield return S("CJK", "漢字かな한국어");
        yield return S("markup", "<script>alert(1)</script><img src=x onerror=alert(2)>");
        yield return S("SQL", "' OR 1=1; DROP TABLE orgs; --");
        yield return S("traversal", "../../../../etc/passwd");
        yield return S("format string", "%s%n%x{0}{{}}");
        yield return S("CRLF injection", "a\\r\\nX-Injected: 1");
        yield return S("URL with NUL", "https://acme.example/\\u0000");
        yield return S("javascript URL", "javascript:alert(1)");
        yield return S("file URL", "file:///etc/passwd");
        yield return S("metadata URL", "http://169.254.169.254/latest/meta-data");
        yield return S("5,000-character URL", "https://acme.example/" + new string('a', 5_000));
        yield return S("quoted email", "\\\"x\\\"@acme.example");
        yield return S("64 KiB", new string('a', 65_536));
        yield return S("1 MiB", new string('a', 1 << 20));
        yield return S("10,000 NULs", string.Concat(Enumerable.Repeat("\\u0000", 10_000)));
        foreach (var look in new[] { "null", "true", "0", "-0", "NaN", "1e400" })
        {
            yield return S($"string '{look}'", look);
        }
    }

    private static IEnumerable<Hostile> InvalidUtf8()
    {
        static Hostile B(string name, params byte[] inside) => new(name, [(byte)'"', .. inside, (byte)'"']);
        yield return B("invalid UTF-8 C3 28", 0xC3, 0x28);
        yield return B("overlong slash C0 AF", 0xC0, 0xAF);
        yield return B("overlong 3-byte slash", 0xE0, 0x80, 0xAF);
        yield return B("UTF-8-encoded surrogate", 0xED, 0xA0, 0x80);
        yield return B("past U+10FFFF", 0xF4, 0x90, 0x80, 0x80);
        yield return B("bytes FF FE", 0xFF, 0xFE);
        yield return B("lone continuation byte", 0x80);
        yield return B("truncated sequence", 0xE2, 0x82);
        yield return B("raw control byte", (byte)'a', 0x01, (byte)'b');
        yield return B("raw NUL byte", (byte)'a', 0x00, (byte)'b');
    }

    private static IEnumerable<Hostile> Numbers()
    {
        string[] numbers =
        [
            "0", "-0", "1", "-1", "0.5", "-0.0", "1.0", "1e0", "1E+2", "1e-2", "2147483647", "2147483648", "-2147483648", "-2147483649",
            "4294967296", "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "1e19", "1.7976931348623157e308", "1e309", "-1e309", "5e-324", "1e-400", "0.1e1",
            "123456789012345678901234567890", new string('9', 10_000), "1e99999", "-0.0e-0",
            "NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "0x1F", "1_000",
        ];
        return numbers.Select(n => new Hostile($"number {(n.Length > 30 ? $"of {n.Length} digits" : n)}", Encoding.UTF8.GetBytes(n)));
    }

    private static IEnumerable<Hostile> Shapes()
    {
        static Hostile J(string name, string json) => new(name, Encoding.UTF8.GetBytes(json));
        yield return J("null", "null");
        yield return J("true", "true");
        yield return J("false", "false");
        yield return J("empty object", "{}");
        yield return J("empty array", "[]");
        yield return J("array of null", "[null]");
        yield return J("array of empty string", "[\"\"]");
        yield return J("object with an empty name", "{\"\":\"\"}");
        yield return J("nested empty arrays", "[[]]");
        yield return J("nested objects", "{\"a\":{\"b\":{}}}");
        yield return J("duplicate keys", "{\"a\":1,\"a\":2}");
        yield return J("duplicate keys spelled apart", "{\"a\":1,\"\\u0061\":2}");
        yield return J("arrays 63 deep", new string('[', 63) + new string(']', 63));
        yield return J("arrays 65 deep", new string('[', 65) + new string(']', 65));
        yield return J("arrays 10,000 deep", new string('[', 10_000) + new string(']', 10_000));
        yield return J("objects 65 deep", string.Concat(Enumerable.Repeat("{\"a\":", 65)) + "1" + new string('}', 65));
        yield return J("100,000 zeros", "[" + string.Join(',', Enumerable.Repeat("0", 100_000)) + "]");
        yield return J("10,000 strings", "[" + string.Join(',', Enumerable.Repeat("\"x\"", 10_000)) + "]");
        yield return J("10,000 keys", "{" + string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"k{i}\":{i}")) + "}");
        yield return J("single quotes", "'x'");
        yield return J("bare word", "abc");
        yield return J("unterminated string", "\"abc");
        yield return J("trailing comma", "[1,2,]");
        yield return J("comment", "/* c */ 1");
        yield return J("nothing", "");
    }

    private static readonly string[] Ingredients =
    [
        "a", "Z", "0", " ", "\\\"", "\\\\", "/", "\\/", "\\u0000", "\\u0001", "\\u001f", "\\n", "\\r", "\\t", "\\b", "\\f", "\\ud800", "\\udbff",
        "\\udc00", "\\udfff", "\\ud83d\\ude00", "\\u202e", "\\u2066", "\\u200b", "\\ufeff", "\\uffff", "\\u0301", "\\u2028", "é", "😀", "עב", "漢",
        "<", ">", "&", "'", "%", "{", "}", "[", "]", ":", ",", "@", ".", "-", "_", "?", "#",
    ];

    private static string RandomString(Random random, bool small = false)
    {
        var length = small ? random.Next(0, 16) : random.Next(10) switch { 0 => random.Next(512, 70_000), < 3 => random.Next(64, 512), _ => random.Next(0, 64) };
        var text = new StringBuilder("\"");
        for (var i = 0; i < length; i++)
        {
            text.Append(Ingredients[random.Next(Ingredients.Length)]);
        }

        return text.Append('"').ToString();
    }

    private static string RandomNumber(Random random)
    {
        var number = new StringBuilder();
        if (random.Next(3) == 0)
        {
            number.Append(random.Next(8) == 0 ? '+' : '-');
        }

        var digits = random.Next(6) == 0 ? random.Next(20, 400) : random.Next(1, 20);
        for (var i = 0; i < digits; i++)
        {
            number.Append((char)('0' + random.Next(10)));
        }

        if (random.Next(3) == 0)
        {
            number.Append('.').Append(random.Next(10) == 0 ? "" : random.Next(1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (random.Next(3) == 0)
        {
            number.Append(random.Next(2) == 0 ? 'e' : 'E').Append(random.GetItems(["", "+", "-"], 1)[0]).Append(random.Next(100_000));
        }

        return number.ToString();
    }

    private static string RandomStructure(Random random, int depth)
    {
        if (depth == 0)
        {
            return random.Next(3) switch { 0 => RandomString(random, small: true), 1 => RandomNumber(random), _ => "null" };
        }

        // Deep structures are chains, so that their size stays linear in their depth.
        var count = depth > 6 ? 1 : random.Next(4);
        return random.Next(2) == 0
            ? "[" + string.Join(',', Enumerable.Range(0, count).Select(_ => RandomStructure(random, depth - 1))) + "]"
            : "{" + string.Join(',', Enumerable.Range(0, count).Select(_ => $"{RandomString(random, small: true)}:{RandomStructure(random, depth - 1)}")) + "}";
    }
}
