using System.Text.RegularExpressions;
using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>
/// The brief as the conversation filled it: under each topic's field the founder's sentences about that topic, in the
/// order they were said; the company's name if it was given; the founder's own corrections over both.
/// </summary>
public static partial class BriefFields
{
    private static readonly HashSet<string> NotNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "We", "I", "It", "This", "That", "Our", "My", "The", "A", "An", "They", "There", "Basically", "So",
    };

    public static Dictionary<string, string> From(InterviewState state)
    {
        var brief = new Dictionary<string, string>();
        foreach (var topic in Stages.Topics)
        {
            if (Text(Assessment.Of(state.Topics, topic)) is { } text)
            {
                brief[topic.BriefField] = text;
            }
        }

        if (brief.GetValueOrDefault("business_concept") is { } concept && CompanyName(concept) is { } name)
        {
            brief["company_name"] = name;
        }

        if (state.AdditionalNotes is { } notes)
        {
            brief["additional_notes"] = notes;
        }

        // A correction wins; an empty one clears the field.
        foreach (var (field, value) in state.Corrections)
        {
            if (value.Length == 0)
            {
                brief.Remove(field);
            }
            else
            {
                brief[field] = value;
            }
        }

        return brief;
    }

    /// <summary>The topic's sentences as one text, or null when it has none.</summary>
    public static string? Text(TopicCoverage coverage) =>
        coverage.Sentences.Count == 0 ? null : Clip(string.Join(' ', coverage.Sentences.Select(s => s.Text).Distinct()));

    /// <summary>"We're building Ledgerline, …", "It's called Acme Ops", "Ledgerline is …": the name the founder gave.</summary>
    public static string? CompanyName(string text)
    {
        foreach (var pattern in new[] { CalledPattern(), BuildingPattern(), IsPattern() })
        {
            var match = pattern.Match(text);
            if (match.Success && !NotNames.Contains(match.Groups["name"].Value.Split(' ')[0]))
            {
                return match.Groups["name"].Value.Trim();
            }
        }

        return null;
    }

    public static string Clip(string text) => text.Length <= Assessment.MaxAnswerLength ? text : text[..Assessment.MaxAnswerLength];

    [GeneratedRegex(@"\b(?:called|named)\s+""?(?<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})")]
    private static partial Regex CalledPattern();

    [GeneratedRegex(@"\b(?:building|founded|started|launched|run)\s+(?<name>[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*){0,2})\s*[,.(:;-]")]
    private static partial Regex BuildingPattern();

    [GeneratedRegex(@"^(?<name>[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*){0,2})\s+(?:is|helps|builds|makes|lets|gives)\b")]
    private static partial Regex IsPattern();
}
