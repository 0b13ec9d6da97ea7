using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>A score from 0 to 100 and its band.</summary>
public sealed record Signal(string Label, int Score)
{
    public static Signal Of(int score) => new(score < 40 ? "low" : score < 70 ? "medium" : "high", score);
}

public sealed record QualitySignals(Signal Clarity, Signal Completeness, int DetailScore, int Overall);

/// <summary>What became of the question asked.</summary>
public enum AnswerOutcome
{
    /// <summary>No question was open (a correction after the summary).</summary>
    None,
    Answered,
    /// <summary>A plain yes to a confirmation: the sentence it asked about counts.</summary>
    Confirmed,
    /// <summary>A plain no to a confirmation: the sentence does not count, and the question is asked plainly.</summary>
    Denied,
    /// <summary>Nothing said; asked again in other words.</summary>
    Evaded,
    /// <summary>Nothing said twice; set aside until the end.</summary>
    SetAside,
    /// <summary>Nothing said the last time; the field stays empty.</summary>
    GivenUp,
}

/// <summary>What one founder message did to the interview.</summary>
public sealed record AssessmentResult(
    InterviewState State, int Stage, bool StageAdvanced, bool Completed, IReadOnlyList<string> CollectedTopics, QualitySignals Quality,
    Topic? Asked, AnswerOutcome Outcome, IReadOnlyList<Topic> AlsoCovered);

/// <summary>
/// Pass 2 of the two-pass interview: after each founder message, decides from evidence which topics it covered, how
/// good the answers are, and what is asked next. Deterministic and model-free, so progress never depends on a model.
/// Each topic keeps the founder's sentences that address it (see <see cref="AnswerReading"/>); a topic only touched
/// is confirmed before it counts; a topic the founder twice had nothing to say about is asked once more at the end.
/// </summary>
public static class Assessment
{
    public const int MaxAnswerLength = 2_000;

    /// <summary>The state of a new interview: the first question asks about the first topic.</summary>
    public static InterviewState Initial() => new()
    {
        AskedTopic = Stages.Topics[0].Name,
        Topics = new() { [Stages.Topics[0].Name] = new TopicCoverage { Asked = 1 } },
    };

    public static AssessmentResult Assess(InterviewState state, int stage, string message)
    {
        var text = message.Trim();
        var substantive = AnswerText.IsSubstantive(text);
        var answer = state.Answers + 1;
        var topics = new Dictionary<string, TopicCoverage>(state.Topics);
        var corrections = new Dictionary<string, string>(state.Corrections);
        var notes = state.AdditionalNotes;
        Topic? asked = null;
        var outcome = AnswerOutcome.None;
        if (state.Revising)
        {
            notes = Correct(topics, corrections, text, answer, substantive, notes);
        }
        else if (OpenQuestion(state) is { } topic)
        {
            asked = topic;
            outcome = Answer(topics, topic, state.Asking, text, answer, substantive);
        }

        var (next, asking) = NextQuestion(topics, asked, outcome);
        if (next is not null)
        {
            var coverage = Of(topics, next);
            topics[next.Name] = coverage with { Asked = coverage.Asked + 1, Confirmations = coverage.Confirmations + (asking == AskKinds.Confirmation ? 1 : 0) };
        }

        var newStage = stage;
        while (newStage <= Stages.Count && Stages.Get(newStage).Topics.All(t => IsCovered(topics, t) || Of(topics, t).Deferred))
        {
            newStage++;
        }

        newStage = Math.Min(newStage, Stages.Count);
        var after = new InterviewState
        {
            Topics = topics,
            AskedTopic = next?.Name,
            Asking = asking,
            Revising = false,
            Answers = answer,
            SubstantiveAnswers = state.SubstantiveAnswers + (substantive ? 1 : 0),
            SpecificAnswers = state.SpecificAnswers + (substantive && Scoring.IsSpecific(text) ? 1 : 0),
            ClearAnswers = state.ClearAnswers + (substantive && Scoring.IsClear(text) ? 1 : 0),
            AdditionalNotes = notes,
            Corrections = corrections,
        };
        var alsoCovered = Stages.Topics.Where(t => t != asked && !IsCovered(state.Topics, t) && IsCovered(topics, t)).ToList();
        return new AssessmentResult(after, newStage, newStage > stage, next is null, CollectedTopics(after), Quality(after), asked, outcome, alsoCovered);
    }

    public static bool IsCovered(IReadOnlyDictionary<string, TopicCoverage> topics, Topic topic) =>
        topics.TryGetValue(topic.Name, out var coverage) && coverage.Covered;

    public static TopicCoverage Of(IReadOnlyDictionary<string, TopicCoverage> topics, Topic topic) => topics.GetValueOrDefault(topic.Name) ?? new TopicCoverage();

    /// <summary>The sentence a confirmation asks about: of those that touched the topic, the one with the plainest cue, the latest of those.</summary>
    public static Evidence? Confirming(Topic topic, TopicCoverage coverage) =>
        coverage.Mentions.Count == 0 ? null : coverage.Mentions.OrderBy(m => topic.Mentions.Rank(m.Cue)).ThenByDescending(m => m.Answer).First();

    /// <summary>Topics covered so far, in the order of the interview.</summary>
    public static IReadOnlyList<string> CollectedTopics(InterviewState state) =>
        [.. Stages.Topics.Where(t => IsCovered(state.Topics, t)).Select(t => t.Name)];

    /// <summary>Percent of all topics covered.</summary>
    public static int OverallProgress(InterviewState state) => Scoring.Percent(Stages.Topics.Count(t => IsCovered(state.Topics, t)), Stages.Topics.Count);

    /// <summary>Percent of the stage's topics covered.</summary>
    public static int StageProgress(InterviewState state, int stage) =>
        Scoring.Percent(Stages.Get(stage).Topics.Count(t => IsCovered(state.Topics, t)), Stages.Get(stage).Topics.Count);

    public static QualitySignals Quality(InterviewState state)
    {
        var clarity = Scoring.Percent(state.ClearAnswers, state.Answers);
        var completeness = OverallProgress(state);
        var detail = Scoring.Percent(state.SpecificAnswers, state.Answers);
        return new QualitySignals(Signal.Of(clarity), Signal.Of(completeness), detail, (clarity + completeness + detail) / 3);
    }

    /// <summary>The topic the last question asked about, or the first open one if that was covered meanwhile.</summary>
    private static Topic? OpenQuestion(InterviewState state) =>
        Stages.Find(state.AskedTopic) is { } asked && !IsCovered(state.Topics, asked) ? asked : Stages.Topics.FirstOrDefault(t => !IsCovered(state.Topics, t));

    /// <summary>Reads the answer to the question asked about <paramref name="asked"/>, and what else it plainly covers.</summary>
    private static AnswerOutcome Answer(Dictionary<string, TopicCoverage> topics, Topic asked, string asking, string text, int answer, bool substantive)
    {
        var coverage = Of(topics, asked);
        if (asking == AskKinds.Confirmation && Confirming(asked, coverage) is { } mention && AnswerText.IsAffirmation(text))
        {
            topics[asked.Name] = coverage with { Sentences = [.. coverage.Sentences, mention with { Reason = $"confirmed when asked about \"{mention.Cue}\"" }] };
            return AnswerOutcome.Confirmed;
        }

        if (asking == AskKinds.Confirmation && AnswerText.IsDenial(text))
        {
            topics[asked.Name] = coverage with { Mentions = [] };
            return AnswerOutcome.Denied;
        }

        if (!substantive)
        {
            var evasions = coverage.Evasions + 1;
            topics[asked.Name] = coverage with { Evasions = evasions, Deferred = coverage.Deferred || evasions >= 2, Skipped = asking == AskKinds.Final };
            return asking == AskKinds.Final ? AnswerOutcome.GivenUp : evasions >= 2 && !coverage.Deferred ? AnswerOutcome.SetAside : AnswerOutcome.Evaded;
        }

        var reading = AnswerReading.Read(text, asked, answer, t => !IsCovered(topics, t));
        topics[asked.Name] = coverage with { Sentences = [.. coverage.Sentences, .. reading.Answered] };
        foreach (var (topic, sentences) in reading.Elsewhere)
        {
            var other = Of(topics, topic);
            topics[topic.Name] = other with { Sentences = [.. other.Sentences, .. sentences] };
        }

        foreach (var (topic, sentences) in reading.Touched)
        {
            var other = Of(topics, topic);
            topics[topic.Name] = other with { Mentions = [.. other.Mentions, .. sentences] };
        }

        return AnswerOutcome.Answered;
    }

    /// <summary>
    /// The first open topic: asked again in other words after an answer that said nothing, confirmed when an earlier
    /// answer only touched it, else asked plainly. Once only set-aside topics are open, each is asked a last time.
    /// </summary>
    private static (Topic? Next, string Asking) NextQuestion(Dictionary<string, TopicCoverage> topics, Topic? asked, AnswerOutcome outcome)
    {
        if (Stages.Topics.FirstOrDefault(t => !IsCovered(topics, t) && !Of(topics, t).Deferred) is { } next)
        {
            var coverage = Of(topics, next);
            return (next, next == asked && outcome != AnswerOutcome.Denied ? AskKinds.Again
                : coverage.Mentions.Count > 0 && coverage.Confirmations == 0 ? AskKinds.Confirmation
                : AskKinds.Question);
        }

        return Stages.Topics.FirstOrDefault(t => !IsCovered(topics, t)) is { } setAside ? (setAside, AskKinds.Final) : (null, AskKinds.Question);
    }

    /// <summary>
    /// A correction after the summary replaces the topics its sentences are plainly about; a sentence about none goes with
    /// the correction's only topic, or into the notes when it names none or several.
    /// </summary>
    private static string? Correct(
        Dictionary<string, TopicCoverage> topics, Dictionary<string, string> corrections, string text, int answer, bool substantive, string? notes)
    {
        var sentences = AnswerReading.ReadCorrection(text);
        var named = sentences.Where(s => s.Topic is not null).Select(s => s.Topic!).Distinct().ToList();
        var replaced = new Dictionary<Topic, List<Evidence>>();
        var unplaced = new List<string>();
        foreach (var (sentence, topic, cue) in sentences)
        {
            if ((topic ?? (named is [var only] ? only : null)) is { } target)
            {
                (replaced.TryGetValue(target, out var list) ? list : replaced[target] = []).Add(new Evidence(answer, sentence, "corrected after the summary", cue));
            }
            else
            {
                unplaced.Add(sentence);
            }
        }

        foreach (var (topic, list) in replaced)
        {
            topics[topic.Name] = Of(topics, topic) with { Sentences = list, Mentions = [] };
            corrections.Remove(topic.BriefField);
        }

        return unplaced.Count > 0 && substantive
            ? BriefFields.Clip(notes is null ? string.Join(' ', unplaced) : notes + "\n" + string.Join(' ', unplaced))
            : notes;
    }
}
