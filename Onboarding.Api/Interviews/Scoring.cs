using System.Text.RegularExpressions;

namespace Onboarding.Api.Interviews;

/// <summary>How specific and how clear an answer reads, for the quality signals.</summary>
public static partial class Scoring
{
    private static readonly string[] Hedges = ["maybe", "i guess", "kind of", "sort of", "probably", "perhaps", "not really sure"];

    public static bool IsSpecific(string text) =>
        text.Any(char.IsDigit) || text.IndexOfAny(['$', '€', '£', '%']) >= 0
        || text.Contains("for example", StringComparison.OrdinalIgnoreCase) || text.Contains("e.g.", StringComparison.OrdinalIgnoreCase)
        || MidSentenceName().IsMatch(text);

    public static bool IsClear(string text)
    {
        var sentences = AnswerText.Sentences(text);
        var average = sentences.Count == 0 ? 0 : sentences.Average(AnswerText.WordCount);
        var lower = text.ToLowerInvariant();
        return average is >= 4 and <= 30 && Hedges.Count(lower.Contains) <= 1;
    }

    public static int Percent(int part, int whole) => whole == 0 ? 0 : (int)Math.Round(100.0 * part / whole, MidpointRounding.AwayFromZero);

    // A capitalised word that does not start a sentence: a product, company or place the founder named.
    [GeneratedRegex(@"[a-z,]\s+[A-Z][a-zA-Z]{2,}")]
    private static partial Regex MidSentenceName();
}
