using System.Text.RegularExpressions;
using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>A score from 0 to 100 and its band.</summary>
public sealed record Signal(string Label, int Score)
{
    public static Signal Of(int score) => new(score < 40 ? "low" : score < 70 ? "medium" : "high", score);
}

public sealed record QualitySignals(Signal Clarity, Signal Completeness, int DetailScore, int Overall);

/// <summary>What one founder message did to the interview.</summary>
public sealed record AssessmentResult(
    InterviewState State, int Stage, bool StageAdvanced, bool Completed, IReadOnlyList<string> CollectedTopics, QualitySignals Quality);

/// <summary>
/// Pass 2 of seed 002's two-pass design: after each founder message, decides which topics it covered, how good the
/// answers are, and whether the stage advances. Deterministic and model-free, so progress never depends on a model.
/// An answer counts for the topic the interviewer asked about when it says something (two evasions skip the topic),
/// and for any later topic whose cue phrases it uses, one sentence's worth.
/// </summary>
public static partial class Assessment
{
    public const int MaxAnswerLength = 2_000;

    private const int MinSubstantiveWords = 3;

    private static readonly string[] Evasions =
        ["don't know", "dont know", "do not know", "not sure", "no idea", "skip", "pass", "n/a", "rather not", "no comment", "later", "dunno"];

    private static readonly string[] Hedges = ["maybe", "i guess", "kind of", "sort of", "probably", "perhaps", "not really sure"];

    /// <summary>The state of a new interview: the first question asks about the first topic.</summary>
    public static InterviewState Initial() => new() { AskedTopic = Stages.Topics[0].Name };

    public static AssessmentResult Assess(InterviewState state, int stage, string message)
    {
        var text = message.Trim();
        var substantive = IsSubstantive(text);
        var topics = new Dictionary<string, TopicCoverage>(state.Topics);
        var notes = state.AdditionalNotes;

        if (state.Revising)
        {
            // A correction after the summary: it replaces whatever topics it speaks to; anything else becomes a note.
            var matched = Stages.Topics.Where(t => Mentions(text, t)).ToList();
            foreach (var topic in matched)
            {
                topics[topic.Name] = new TopicCoverage(Clip(matched.Count == 1 ? text : SentencesAbout(text, topic)));
            }

            if (matched.Count == 0 && substantive)
            {
                notes = Clip(notes is null ? text : notes + "\n" + text);
            }
        }
        else
        {
            var asked = Stages.Find(state.AskedTopic) is { } t && !IsCovered(topics, t) ? t : FirstUncovered(topics);
            if (asked is not null)
            {
                var before = topics.GetValueOrDefault(asked.Name) ?? new TopicCoverage(null);
                topics[asked.Name] = substantive
                    ? new TopicCoverage(Clip(text))
                    : before with { Evasions = before.Evasions + 1, Skipped = before.Evasions + 1 >= 2 };
            }

            // Later topics the founder already spoke to are not asked again.
            foreach (var topic in Stages.Topics.Where(t => t != asked && Stages.StageOf(t).Number >= stage && !IsCovered(topics, t) && Mentions(text, t)))
            {
                var sentences = SentencesAbout(text, topic);
                if (WordCount(sentences) >= 5)
                {
                    topics[topic.Name] = new TopicCoverage(Clip(sentences));
                }
            }
        }

        var newStage = stage;
        while (newStage <= Stages.Count && Stages.Get(newStage).Topics.All(t => IsCovered(topics, t)))
        {
            newStage++;
        }

        var completed = newStage > Stages.Count;
        newStage = Math.Min(newStage, Stages.Count);
        var next = new InterviewState
        {
            Topics = topics,
            AskedTopic = completed ? null : FirstUncovered(topics)?.Name,
            Revising = false,
            Answers = state.Answers + 1,
            SubstantiveAnswers = state.SubstantiveAnswers + (substantive ? 1 : 0),
            SpecificAnswers = state.SpecificAnswers + (substantive && IsSpecific(text) ? 1 : 0),
            ClearAnswers = state.ClearAnswers + (substantive && IsClear(text) ? 1 : 0),
            AdditionalNotes = notes,
        };
        return new AssessmentResult(next, newStage, newStage > stage, completed, CollectedTopics(next), Quality(next));
    }

    public static bool IsCovered(IReadOnlyDictionary<string, TopicCoverage> topics, Topic topic) =>
        topics.TryGetValue(topic.Name, out var coverage) && coverage.Covered;

    public static Topic? FirstUncovered(IReadOnlyDictionary<string, TopicCoverage> topics) =>
        Stages.Topics.FirstOrDefault(t => !IsCovered(topics, t));

    /// <summary>Topics covered so far, in the order of the interview.</summary>
    public static IReadOnlyList<string> CollectedTopics(InterviewState state) =>
        [.. Stages.Topics.Where(t => IsCovered(state.Topics, t)).Select(t => t.Name)];

    /// <summary>Percent of all topics covered.</summary>
    public static int OverallProgress(InterviewState state) => Percent(Stages.Topics.Count(t => IsCovered(state.Topics, t)), Stages.Topics.Count);

    /// <summary>Percent of the stage's topics covered.</summary>
    public static int StageProgress(InterviewState state, int stage) =>
        Percent(Stages.Get(stage).Topics.Count(t => IsCovered(state.Topics, t)), Stages.Get(stage).Topics.Count);

    public static QualitySignals Quality(InterviewState state)
    {
        var clarity = Percent(state.ClearAnswers, state.Answers);
        var completeness = OverallProgress(state);
        var detail = Percent(state.SpecificAnswers, state.Answers);
        return new QualitySignals(Signal.Of(clarity), Signal.Of(completeness), detail, (clarity + completeness + detail) / 3);
    }

    /// <summary>The brief as the conversation has filled it: each topic's answer under its field, and the company's name if it was said.</summary>
    public static Dictionary<string, string> Brief(InterviewState state)
    {
        var brief = new Dictionary<string, string>();
        if (state.Topics.GetValueOrDefault("business_concept")?.Answer is { } concept && CompanyName(concept) is { } name)
        {
            brief["company_name"] = name;
        }

        foreach (var topic in Stages.Topics)
        {
            if (state.Topics.GetValueOrDefault(topic.Name)?.Answer is { } answer)
            {
                brief[topic.BriefField] = answer;
            }
        }

        if (state.AdditionalNotes is { } notes)
        {
            brief["additional_notes"] = notes;
        }

        return brief;
    }

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

    public static bool IsSubstantive(string text)
    {
        var words = WordCount(text);
        if (words < MinSubstantiveWords)
        {
            return false;
        }

        var lower = text.ToLowerInvariant();
        return words >= 8 || !Evasions.Any(lower.Contains);
    }

    private static readonly HashSet<string> NotNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "We", "I", "It", "This", "That", "Our", "My", "The", "A", "An", "They", "There", "Basically", "So",
    };

    private static bool Mentions(string text, Topic topic)
    {
        var lower = text.ToLowerInvariant();
        return topic.Cues.Any(lower.Contains);
    }

    private static string SentencesAbout(string text, Topic topic) =>
        string.Join(' ', Sentences(text).Where(s => topic.Cues.Any(s.ToLowerInvariant().Contains)));

    private static IEnumerable<string> Sentences(string text) =>
        SentenceEnd().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);

    private static bool IsSpecific(string text) =>
        text.Any(char.IsDigit) || text.IndexOfAny(['$', '€', '£', '%']) >= 0
        || text.Contains("for example", StringComparison.OrdinalIgnoreCase) || text.Contains("e.g.", StringComparison.OrdinalIgnoreCase)
        || MidSentenceName().IsMatch(text);

    private static bool IsClear(string text)
    {
        var sentences = Sentences(text).ToList();
        var average = sentences.Count == 0 ? 0 : sentences.Average(WordCount);
        var lower = text.ToLowerInvariant();
        return average is >= 4 and <= 30 && Hedges.Count(lower.Contains) <= 1;
    }

    private static int WordCount(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static int Percent(int part, int whole) => whole == 0 ? 0 : (int)Math.Round(100.0 * part / whole, MidpointRounding.AwayFromZero);

    private static string Clip(string text) => text.Length <= MaxAnswerLength ? text : text[..MaxAnswerLength];

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    // A capitalised word that does not start a sentence: a product, company or place the founder named.
    [GeneratedRegex(@"[a-z,]\s+[A-Z][a-zA-Z]{2,}")]
    private static partial Regex MidSentenceName();

    [GeneratedRegex(@"\b(?:called|named)\s+""?(?<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})")]
    private static partial Regex CalledPattern();

    [GeneratedRegex(@"\b(?:building|founded|started|launched|run)\s+(?<name>[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*){0,2})\s*[,.(:;-]")]
    private static partial Regex BuildingPattern();

    [GeneratedRegex(@"^(?<name>[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*){0,2})\s+(?:is|helps|builds|makes|lets|gives)\b")]
    private static partial Regex IsPattern();
}
