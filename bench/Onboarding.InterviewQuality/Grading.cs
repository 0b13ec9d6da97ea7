using Onboarding.Testing;

namespace Onboarding.InterviewQuality;

internal enum Verdict
{
    /// <summary>Holds only the founder's words about this topic, all of them.</summary>
    Right,

    /// <summary>Holds only words about this topic, but not all the founder said about it.</summary>
    Incomplete,

    /// <summary>Holds words about another topic (or about nothing), or words the founder never said.</summary>
    Wrong,

    /// <summary>Empty although the founder spoke about it.</summary>
    Empty,

    /// <summary>Empty, and the founder never spoke about it.</summary>
    NothingSaid,
}

internal sealed record FieldGrade(string Topic, string Field, string? Value, Verdict Verdict, string Why);

/// <summary>Grades a brief field against the sentences the founder said, each labelled with the topics it is about.</summary>
internal static class Grading
{
    public static FieldGrade Grade(string topic, string field, string? value, IReadOnlyList<Said> said)
    {
        var about = said.Where(s => s.Topics.Contains(topic)).Select(s => s.Text).Distinct().ToList();
        if (string.IsNullOrWhiteSpace(value))
        {
            return new(topic, field, value, about.Count == 0 ? Verdict.NothingSaid : Verdict.Empty, about.Count == 0 ? "" : $"the founder said: {string.Join(' ', about)}");
        }

        // Take out every sentence the founder said that the field holds, longest first; what is left was never said.
        var rest = value;
        var held = new List<Said>();
        foreach (var sentence in said.DistinctBy(s => s.Text).OrderByDescending(s => s.Text.Length))
        {
            if (rest.Contains(sentence.Text, StringComparison.Ordinal))
            {
                rest = rest.Replace(sentence.Text, " ", StringComparison.Ordinal);
                held.Add(sentence);
            }
        }

        if (rest.Any(char.IsLetterOrDigit))
        {
            return new(topic, field, value, Verdict.Wrong, $"holds words the founder did not say as a sentence: \"{rest.Trim()}\"");
        }

        if (held.FirstOrDefault(s => !s.Topics.Contains(topic)) is { } other)
        {
            var whose = other.Topics.Count == 0 ? "about nothing (an evasion)" : $"about {string.Join(", ", other.Topics)}";
            return new(topic, field, value, Verdict.Wrong, $"holds \"{other.Text}\", {whose}");
        }

        var missing = about.Where(a => !held.Any(h => h.Text == a)).ToList();
        return missing.Count == 0
            ? new(topic, field, value, Verdict.Right, "")
            : new(topic, field, value, Verdict.Incomplete, $"misses: {string.Join(' ', missing)}");
    }
}
