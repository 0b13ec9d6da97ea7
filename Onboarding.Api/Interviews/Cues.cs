using System.Text.RegularExpressions;

namespace Onboarding.Api.Interviews;

/// <summary>Phrases that show what a sentence speaks of, matched without regard to case, the earlier ones preferred.</summary>
public sealed class Cues
{
    public static readonly Cues None = new([]);

    private readonly IReadOnlyList<Regex> _patterns;

    private Cues(IReadOnlyList<Regex> patterns) => _patterns = patterns;

    // Non-backtracking: founders' text is matched in time linear in its length, whatever it holds.
    public static Cues Of(params string[] patterns) =>
        new([.. patterns.Select(p => new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking))]);

    /// <summary>The words of the sentence that match the first phrase it has, as written, or null.</summary>
    public string? Find(string sentence)
    {
        var text = AnswerText.Normalise(sentence);
        return _patterns.Select(p => p.Match(text)).FirstOrDefault(m => m.Success) is { } match ? sentence.Substring(match.Index, match.Length) : null;
    }

    /// <summary>How early in the list the phrase that matches <paramref name="words"/> comes: lower is plainer.</summary>
    public int Rank(string? words) =>
        words is null ? int.MaxValue : _patterns.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.IsMatch(AnswerText.Normalise(words)), (null!, int.MaxValue)).Item2;
}
