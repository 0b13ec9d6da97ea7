using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>Where the founder's words came from in the conversation: the summary's sources and the development-only debug view.</summary>
public static class Provenance
{
    /// <summary>Per brief field, the founder's sentences it holds and the answers they came from, or that the founder wrote it on the summary.</summary>
    public static Dictionary<string, FieldSource> Sources(InterviewState state, IReadOnlyList<InterviewTurn> turns)
    {
        var sources = new Dictionary<string, FieldSource>();
        foreach (var topic in Stages.Topics)
        {
            var sentences = Assessment.Of(state.Topics, topic).Sentences;
            if (sentences.Count > 0)
            {
                sources[topic.BriefField] = new FieldSource(FieldSource.Conversation, [.. sentences.Select(s => Locate(s, turns))]);
            }
        }

        // The name is read from what the founder said about the business.
        if (sources.GetValueOrDefault("business_concept") is { } concept && BriefFields.From(state).ContainsKey("company_name"))
        {
            sources["company_name"] = concept;
        }

        foreach (var field in state.Corrections.Keys)
        {
            sources[field] = new FieldSource(FieldSource.Correction, []);
        }

        return sources;
    }

    public static InterviewDebugResponse Debug(InterviewSession session, IReadOnlyList<InterviewTurn> turns)
    {
        var state = session.State;
        var topics = Stages.Topics.Select(topic =>
        {
            var c = Assessment.Of(state.Topics, topic);
            var standing = c.Sentences.Count > 0 ? "covered" : c.Skipped ? "skipped" : c.Deferred ? "deferred" : c.Mentions.Count > 0 ? "partial" : "open";
            return new TopicEvidenceView(topic.Name, topic.BriefField, standing, c.Asked, c.Confirmations, c.Evasions,
                [.. c.Sentences.Select(s => Locate(s, turns)).Select(s => new EvidenceView("credited", s)),
                 .. c.Mentions.Select(s => Locate(s, turns)).Select(s => new EvidenceView("partial", s))]);
        });
        return new InterviewDebugResponse(
            true, session.Id, session.Status, session.CurrentStage, state.AskedTopic, state.AskedTopic is null ? null : state.Asking, state.Revising, [.. topics]);
    }

    /// <summary>The answer a sentence came from: the n-th saved turn holds answer n, asked by the reply before it.</summary>
    private static SourceSentence Locate(Evidence evidence, IReadOnlyList<InterviewTurn> turns)
    {
        var index = evidence.Answer - 1;
        var turn = index >= 0 && index < turns.Count ? turns[index] : null;
        var question = index == 0 ? OfflineInterviewer.Question(Stages.Topics[0]) : index > 0 && index <= turns.Count ? turns[index - 1].AssistantContent : null;
        return new SourceSentence(evidence.Answer, turn?.MessageId, question, evidence.Text, evidence.Reason);
    }
}
