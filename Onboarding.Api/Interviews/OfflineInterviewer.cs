using System.Runtime.CompilerServices;
using System.Text;
using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>What the interviewer knows when it replies: the interview before and after the founder's message.</summary>
public sealed record InterviewerContext(
    InterviewState Before, int StageBefore, AssessmentResult After, string FounderMessage, IReadOnlyList<InterviewTurn> History);

/// <summary>Pass 1 of the two-pass interview: writes the interviewer's reply, streamed as it is produced. It never decides progress.</summary>
public interface IInterviewer
{
    IAsyncEnumerable<string> ReplyAsync(InterviewerContext context, CancellationToken cancellationToken);
}

/// <summary>
/// The interviewer without a model: acknowledges the answer, says what else it plainly covered, says when a stage is
/// done, and asks what the assessment chose, in the way it chose: plainly, in other words after an answer that said
/// nothing, as a confirmation of something only touched on, or a last time. Deterministic, so it reads the same every time.
/// </summary>
public sealed class OfflineInterviewer : IInterviewer
{
    public const string Name = "Alex";

    public const string Introduction =
        "Hi, I'm Alex. I'll ask you about your business in seven short stages (about 20 minutes) and turn your answers into an " +
        "entrepreneur brief. Rough answers are fine, and you can pause at any time and pick up where you left off.";

    public const string CompletionMessage =
        "Thank you, that's everything I need. I've put your answers into a brief: look over the summary, then approve it to " +
        "start the analysis, or revise anything that's off.";

    public const string RevisionQuestion =
        "Of course. What would you like to change or add? Tell me in your own words, for example who your customers are or what your goals are.";

    private static readonly string[] Acknowledgements = ["Thanks, that's clear.", "Got it.", "That helps.", "Understood.", "Good, thank you."];

    /// <summary>The question that asks about a topic; the second wording is for asking again.</summary>
    public static string Question(Topic topic, bool again = false) => topic.Questions[again && topic.Questions.Count > 1 ? 1 : 0];

    public async IAsyncEnumerable<string> ReplyAsync(InterviewerContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Word by word, as a model would stream it; the text itself is ready at once.
        var reply = Compose(context);
        var start = 0;
        for (var i = 1; i <= reply.Length; i++)
        {
            if (i == reply.Length || reply[i] == ' ')
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return reply[start..i];
                start = i;
                await Task.Yield();
            }
        }
    }

    public static string Compose(InterviewerContext context)
    {
        var after = context.After;
        var reply = new StringBuilder();
        if (context.Before.Revising)
        {
            reply.Append("Thanks, I've updated the brief. ");
        }

        var label = after.Asked?.Label;
        reply.Append(after.Outcome switch
        {
            AnswerOutcome.Answered or AnswerOutcome.Confirmed => Acknowledgements[context.Before.Answers % Acknowledgements.Length] + " ",
            AnswerOutcome.Denied => "Thanks for clearing that up. ",
            AnswerOutcome.SetAside => $"Let's leave {label} for now; I'll come back to it before we finish. ",
            AnswerOutcome.GivenUp => $"All right, I'll leave {label} out of the brief; you can add it on the summary. ",
            _ => "",
        });
        if (!context.Before.Revising && after.AlsoCovered.Count > 0)
        {
            reply.Append("You've also told me about ").Append(JoinLabels([.. after.AlsoCovered.Select(t => t.Label)])).Append(", so I won't ask about that again. ");
        }

        if (after.Completed)
        {
            return reply.Append(CompletionMessage).ToString();
        }

        if (after.StageAdvanced)
        {
            var done = Stages.Get(after.Stage - 1);
            var next = Stages.Get(after.Stage);
            reply.Append("That covers ").Append(done.Name.ToLowerInvariant()).Append(". Next, stage ").Append(next.Number)
                .Append(" of ").Append(Stages.Count).Append(": ").Append(next.Name.ToLowerInvariant()).Append(". ");
        }

        return reply.Append(NextQuestion(after.State)).ToString();
    }

    /// <summary>The question the state says is open, worded the way it asks: plainly, again, as a confirmation, or a last time.</summary>
    public static string NextQuestion(InterviewState state)
    {
        var topic = Stages.Find(state.AskedTopic) ?? Stages.Topics[0];
        return state.Asking switch
        {
            AskKinds.Again => "No problem, a rough answer is fine. " + Question(topic, again: true),
            AskKinds.Confirmation when Assessment.Confirming(topic, Assessment.Of(state.Topics, topic)) is { } mention => Confirmation(topic, mention),
            AskKinds.Final => $"Before we finish, let's come back to {topic.Label}. {Question(topic)}",
            _ => Question(topic),
        };
    }

    /// <summary>"You mentioned spreadsheets: is that what they use instead of a product today, and who else do they consider?"</summary>
    public static string Confirmation(Topic topic, Evidence mention)
    {
        var cue = mention.Cue ?? mention.Text;
        // Lower-cased where it opened the founder's sentence ("Spreadsheets, mostly…").
        if (mention.Text.StartsWith(cue, StringComparison.Ordinal) && cue.Length > 1 && char.IsUpper(cue[0]) && !char.IsUpper(cue[1]))
        {
            cue = char.ToLowerInvariant(cue[0]) + cue[1..];
        }

        // Plurals, names and words with their article read as they are; anything else is quoted: You mentioned "by hand".
        var reads = cue.EndsWith('s') || char.IsUpper(cue[0]) || cue.StartsWith("a ", StringComparison.Ordinal) || cue.StartsWith("an ", StringComparison.Ordinal)
            || cue.StartsWith("the ", StringComparison.Ordinal);
        return $"You mentioned {(reads ? cue : $"\"{cue}\"")}: {topic.Confirmation}";
    }

    private static string JoinLabels(List<string> labels) =>
        labels.Count == 1 ? labels[0] : string.Join(", ", labels.Take(labels.Count - 1)) + " and " + labels[^1];
}
