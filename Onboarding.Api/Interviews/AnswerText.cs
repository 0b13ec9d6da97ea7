using System.Text.RegularExpressions;

namespace Onboarding.Api.Interviews;

/// <summary>What an answer's text is made of: its sentences, its words, and whether it says anything at all.</summary>
public static partial class AnswerText
{
    private static readonly HashSet<string> Fillers = new(StringComparer.OrdinalIgnoreCase) { "yes", "no", "ok", "okay", "sure", "hmm", "maybe", "idk", "none", "nothing", "nope", "yeah" };

    private static readonly HashSet<string> Affirmations = new(StringComparer.OrdinalIgnoreCase)
    {
        "yes", "yeah", "yep", "yup", "correct", "right", "exactly", "indeed", "sure", "absolutely", "true", "that's", "that", "is", "it", "sí", "si", "ja", "oui",
    };

    private static readonly HashSet<string> Denials = new(StringComparer.OrdinalIgnoreCase)
    {
        "no", "nope", "nah", "not", "really", "exactly", "quite", "wrong", "that's", "that", "isn't", "it", "is",
    };

    /// <summary>The answer's sentences as written. Semicolons part them too: "…in penalties; owners spend…" says two things.</summary>
    public static IReadOnlyList<string> Sentences(string text) =>
        [.. SentenceEnd().Split(text.Trim()).Select(s => s.Trim()).Where(s => s.Length > 0)];

    public static int WordCount(string text) => Words(text).Length;

    /// <summary>Says something: not empty, not only "yes", "ok" or "no", and not a short way of saying nothing ("not sure", "pass").</summary>
    public static bool IsSubstantive(string text)
    {
        var words = Words(text);
        if (words.Length == 0 || !text.Any(char.IsLetterOrDigit))
        {
            return false;
        }

        return !(words.Length <= 8 && Evasion().IsMatch(Normalise(text))) && !words.All(Fillers.Contains);
    }

    /// <summary>Only a yes: "Yes.", "That's right."</summary>
    public static bool IsAffirmation(string text) => Words(text) is { Length: > 0 } words && words.All(Affirmations.Contains);

    /// <summary>Only a no: "No.", "Not really."</summary>
    public static bool IsDenial(string text) => Words(text) is { Length: > 0 } words && words.All(Denials.Contains) && !words.All(Affirmations.Contains);

    /// <summary>Curly apostrophes as straight ones, so "we’re" reads like "we're".</summary>
    public static string Normalise(string text) => text.Replace('\u2019', '\'');

    private static string[] Words(string text) =>
        [.. Normalise(text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('.', ',', '!', '?', ';', ':', '"', '(', ')')).Where(w => w.Length > 0)];

    // After . ! ? or ; (but not after "e.g." and its kind), or at a line break.
    [GeneratedRegex(@"(?<=[.!?;])(?<!\b(?:e\.g|i\.e|etc|vs|approx|Mr|Mrs|Ms|Dr|St|Inc|Ltd)\.)\s+|\s*\n\s*")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\b(?:don't know|dont know|do not know|not sure|no idea|skip|pass|n/a|rather not|prefer not|no comment|later|dunno|can't say|no sé|keine ahnung|je ne sais pas|não sei)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Evasion();
}
