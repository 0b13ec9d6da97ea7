using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Onboarding.Worker.Generation.Reading;

/// <summary>Small, allocation-light helpers on plain text: cleaning, sentences, comparing.</summary>
internal static partial class Text
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "e.g", "i.e", "etc", "vs", "inc", "ltd", "co", "corp", "st", "dr", "mr", "mrs", "ms", "no", "approx", "jr", "sr", "u.s", "u.k", "mt",
    };

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "with", "your", "you", "our", "are", "is", "was", "that", "this", "from", "into", "all", "can", "its", "their",
        "they", "them", "not", "but", "has", "have", "will", "more", "less", "than", "any", "every", "one", "out", "who", "how", "what",
    };

    /// <summary>
    /// Plain text on one line: control and zero-width characters dropped, emoji and other pictographs dropped (they
    /// decorate, they do not inform), every run of white space one space. Nothing is decoded or interpreted.
    /// </summary>
    public static string Clean(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsWhiteSpace(rune) || category is UnicodeCategory.Control)
            {
                space = builder.Length > 0;
                continue;
            }

            // Variation selectors (U+FE00–U+FE0F) only restyle the emoji before them.
            if (category is UnicodeCategory.Format or UnicodeCategory.OtherSymbol or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || rune.Value is >= 0xFE00 and <= 0xFE0F)
            {
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString().Trim();
    }

    /// <summary>Splits a line of prose into sentences, leaving abbreviations such as "e.g." and "Inc." alone.</summary>
    public static IEnumerable<string> Sentences(string line)
    {
        var start = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is not ('.' or '!' or '?' or '。' or '！' or '？'))
            {
                continue;
            }

            // Closing quotes and brackets belong to the sentence they end.
            var end = i + 1;
            while (end < line.Length && line[end] is '"' or '”' or '’' or '\'' or ')')
            {
                end++;
            }

            var cjk = c is '。' or '！' or '？';
            if (!cjk && (end >= line.Length || line[end] != ' '))
            {
                continue;
            }

            var next = end < line.Length ? NextNonSpace(line, end) : '\0';
            if (!cjk && next != '\0' && !(char.IsUpper(next) || char.IsDigit(next) || next is '"' or '“' or '‘' or '(' or '¿' or '¡'))
            {
                continue;
            }

            if (c == '.' && EndsWithAbbreviation(line, start, i))
            {
                continue;
            }

            var sentence = line[start..end].Trim();
            if (sentence.Length > 0)
            {
                yield return sentence;
            }

            start = end;
            i = end - 1;
        }

        var rest = line[start..].Trim();
        if (rest.Length > 0)
        {
            yield return rest;
        }
    }

    private static char NextNonSpace(string line, int from)
    {
        for (var i = from; i < line.Length; i++)
        {
            if (line[i] != ' ')
            {
                return line[i];
            }
        }

        return '\0';
    }

    private static bool EndsWithAbbreviation(string line, int start, int period)
    {
        var wordStart = period;
        while (wordStart > start && line[wordStart - 1] is not ' ' and not '(')
        {
            wordStart--;
        }

        var word = line[wordStart..period];
        // Single letters ("J. Smith") and known abbreviations do not end a sentence.
        return word.Length == 1 && char.IsLetter(word[0]) || Abbreviations.Contains(word);
    }

    /// <summary>
    /// The number of words (runs of letters or digits). Chinese and Japanese write without spaces, so there two
    /// characters count as a word: length rules then mean about the same in every script.
    /// </summary>
    public static int WordCount(string value)
    {
        var cjk = 0;
        foreach (var c in value)
        {
            if (c is >= '\u3040' and <= '\u30FF' or >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF')
            {
                cjk++;
            }
        }

        return cjk == 0 ? WordRegex().Count(value) : WordRegex().Count(CjkCharacter().Replace(value, " ")) + (cjk + 1) / 2;
    }

    /// <summary>The words (runs of letters or digits, with an apostrophe inside) in order.</summary>
    public static List<string> Words(string value)
    {
        var words = new List<string>();
        foreach (var match in WordRegex().EnumerateMatches(value))
        {
            words.Add(value.Substring(match.Index, match.Length));
        }

        return words;
    }

    /// <summary>The first space-separated token without surrounding punctuation: "Real-time" in "Real-time visibility".</summary>
    public static string FirstToken(string value)
    {
        var trimmed = value.TrimStart();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return (space < 0 ? trimmed : trimmed[..space]).Trim('"', '“', '”', '\'', '(', ')', ',', '.', ':', ';', '!', '?');
    }

    /// <summary>A comparison key: lower case, letters and digits only, single spaces, no leading article.</summary>
    public static string Key(string value)
    {
        var words = Words(value).Select(w => w.ToLowerInvariant()).ToList();
        if (words.Count > 1 && words[0] is "the" or "a" or "an")
        {
            words.RemoveAt(0);
        }

        return string.Join(' ', words);
    }

    /// <summary>Letters and digits only, lower case, diacritics and German umlauts spelled out: compares names with domains.</summary>
    public static string Compact(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Normalize(NormalizationForm.FormD))
        {
            switch (c)
            {
                case 'ß':
                    builder.Append("ss");
                    continue;
                case '\u0308':
                    // The umlaut's dots: "ä" is spelled "ae" in a domain.
                    builder.Append('e');
                    continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>True when the two texts say nearly the same thing (most of the shorter one's words are in the other).</summary>
    public static bool Similar(string a, string b)
    {
        var left = ContentWords(a);
        var right = ContentWords(b);
        if (left.Count == 0 || right.Count == 0)
        {
            return string.Equals(Key(a), Key(b), StringComparison.Ordinal);
        }

        // Sentences that open alike ("Acme is the global leader …") say the same thing.
        var leftWords = Words(a);
        var rightWords = Words(b);
        if (leftWords.Count >= 5 && rightWords.Count >= 5
            && leftWords.Take(5).Zip(rightWords.Take(5)).All(p => string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var shared = left.Count(right.Contains);
        var smaller = Math.Min(left.Count, right.Count);
        return shared >= smaller * 0.75 || shared >= (left.Count + right.Count - shared) * 0.6;
    }

    private static HashSet<string> ContentWords(string value) =>
        Words(value).Where(w => w.Length > 2 && !StopWords.Contains(w)).Select(w => w.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    /// <summary>The first letter in upper case, the rest as written.</summary>
    public static string Capitalize(string value) =>
        value.Length == 0 || !char.IsLower(value[0]) ? value : char.ToUpperInvariant(value[0]) + value[1..];

    /// <summary>Cuts at a word boundary to at most <paramref name="length"/> characters, adding an ellipsis when it cut.</summary>
    public static string Truncate(string value, int length)
    {
        if (value.Length <= length)
        {
            return value;
        }

        var cut = value.LastIndexOf(' ', length - 1);
        return (cut > length / 2 ? value[..cut] : value[..(length - 1)]).TrimEnd(',', ';', ':', '-', ' ') + "…";
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string JoinList(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };

    /// <summary>
    /// Looks like code or markup rather than prose: a line that opens with a tag, a closing tag, a tag with attributes,
    /// arrows, braces and statement ends, a shell prompt. Prose that names an element ("drop in &lt;Widget/&gt;") is prose.
    /// </summary>
    public static bool LooksLikeCode(string value) => CodeRegex().IsMatch(value);

    /// <summary>Ends like a sentence.</summary>
    public static bool EndsSentence(string value) => value.Length > 0 && value[^1] is '.' or '!' or '?' or '。' or '！' or '？' or '"' or '”';

    /// <summary>"SMB", "CRMs": two to five capitals, maybe a plural s.</summary>
    public static bool IsAcronym(string value)
    {
        var letters = value.EndsWith('s') ? value[..^1] : value;
        return letters.Length is >= 2 and <= 5 && letters.All(char.IsUpper);
    }

    public static bool IsQuestion(string value) => value.TrimEnd('"', '”', ' ').EndsWith('?');

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}]+)?")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"^\s*<[A-Za-z!/]|</[A-Za-z]|<[A-Za-z][\w:-]*\s+[\w:-]+\s*=|=>|\{\{|[{};]\s*$|^\s*[$>#]\s")]
    private static partial Regex CodeRegex();

    [GeneratedRegex(@"[\u3040-\u30FF\u3400-\u9FFF\uF900-\uFAFF]")]
    private static partial Regex CjkCharacter();
}
