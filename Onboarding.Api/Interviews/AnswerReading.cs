using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>What one answer says: its sentences that answer the question asked, those plainly about another open topic, and those that only touch one.</summary>
public sealed record Reading(
    IReadOnlyList<Evidence> Answered, IReadOnlyDictionary<Topic, List<Evidence>> Elsewhere, IReadOnlyDictionary<Topic, List<Evidence>> Touched);

/// <summary>
/// Reads an answer sentence by sentence. The founder answers the question asked, so a sentence belongs to the asked
/// topic unless it is plainly about exactly one other topic not yet covered (it says "our customers are…" and nothing
/// in it speaks of the asked topic). A word that only touches a topic ("spreadsheets") credits nothing; it is kept, so
/// the interviewer can confirm it when that topic's turn comes.
/// </summary>
public static class AnswerReading
{
    // A sentence this short is an answer to the question, not a second subject.
    private const int MinWordsElsewhere = 4;

    private static readonly IReadOnlyDictionary<Topic, List<Evidence>> Nothing = new Dictionary<Topic, List<Evidence>>();

    public static Reading Read(string text, Topic asked, int answer, Func<Topic, bool> isOpen)
    {
        var answered = new List<Evidence>();
        var elsewhere = new Dictionary<Topic, List<Evidence>>();
        var touched = new Dictionary<Topic, List<Evidence>>();
        var sentences = AnswerText.Sentences(text);
        foreach (var sentence in sentences)
        {
            var about = Stages.Topics.Where(t => t != asked && isOpen(t))
                .Select(t => (Topic: t, Cue: t.Statements.Find(sentence)))
                .Where(a => a.Cue is not null)
                .ToList();
            if (about is [var only] && asked.Statements.Find(sentence) is null && AnswerText.WordCount(sentence) >= MinWordsElsewhere)
            {
                Add(elsewhere, only.Topic, new Evidence(answer, sentence, $"says \"{only.Cue}\"", only.Cue));
                continue;
            }

            answered.Add(new Evidence(answer, sentence, Evidence.AnsweredReason));
            // A plain statement inside the answer to another question, or beside a second one, is no clearer than a
            // mention: it is confirmed when its topic's turn comes.
            foreach (var (topic, cue) in about)
            {
                Add(touched, topic, new Evidence(answer, sentence, $"says \"{cue}\" in the answer about {asked.Label}", cue));
            }

            foreach (var topic in Stages.Topics.Where(t => t != asked && isOpen(t) && about.All(a => a.Topic != t)))
            {
                if (topic.Mentions.Find(sentence) is { } word)
                {
                    Add(touched, topic, new Evidence(answer, sentence, $"mentions \"{word}\"", word));
                }
            }
        }

        // Nothing left for the question asked: the whole answer is its answer, whatever else it names.
        return answered.Count > 0 || sentences.Count == 0
            ? new Reading(answered, elsewhere, touched)
            : new Reading([.. sentences.Select(s => new Evidence(answer, s, Evidence.AnsweredReason))], Nothing, Nothing);
    }

    /// <summary>A correction after the summary: each sentence with the first topic it is plainly about, or none.</summary>
    public static IReadOnlyList<(string Sentence, Topic? Topic, string? Cue)> ReadCorrection(string text) =>
        [.. AnswerText.Sentences(text).Select(sentence =>
        {
            var topic = Stages.Topics.FirstOrDefault(t => t.Statements.Find(sentence) is not null);
            return (sentence, topic, topic?.Statements.Find(sentence));
        })];

    private static void Add(Dictionary<Topic, List<Evidence>> map, Topic topic, Evidence evidence)
    {
        if (!map.TryGetValue(topic, out var list))
        {
            map[topic] = list = [];
        }

        list.Add(evidence);
    }
}
