using System.Runtime.CompilerServices;
using System.Text;
using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>What the interviewer knows when it replies: the interview before and after the founder's message.</summary>
public sealed record InterviewerContext(
    InterviewState Before, int StageBefore, AssessmentResult After, string FounderMessage, IReadOnlyList<InterviewTurn> History);

/// <summary>Pass 1 of seed 002: writes the interviewer's reply, streamed as it is produced. It never decides progress.</summary>
public interface IInterviewer
{
    IAsyncEnumerable<string> ReplyAsync(InterviewerContext context, CancellationToken cancellationToken);
}

/// <summary>
/// The interviewer without a model: acknowledges the answer, says when a stage is done, and asks about the next
/// uncovered topic (in other words when the founder had nothing to say). Deterministic, so it reads the same every time.
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

        var asked = Stages.Find(context.Before.AskedTopic);
        var answer = asked is null ? null : after.State.Topics.GetValueOrDefault(asked.Name);
        if (!context.Before.Revising && asked is not null && answer is not null)
        {
            if (answer.Answer is not null)
            {
                reply.Append(Acknowledgements[context.Before.Answers % Acknowledgements.Length]).Append(' ');
            }
            else if (answer.Skipped)
            {
                reply.Append("Let's leave ").Append(asked.Label).Append(" for now; we can come back to it. ");
            }
        }

        var alsoCovered = Stages.Topics
            .Where(t => t != asked && !Assessment.IsCovered(context.Before.Topics, t) && Assessment.IsCovered(after.State.Topics, t))
            .Select(t => t.Label)
            .ToList();
        if (!context.Before.Revising && alsoCovered.Count > 0)
        {
            reply.Append("You've also told me about ").Append(JoinLabels(alsoCovered)).Append(", so I won't ask about that again. ");
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

        var topic = Stages.Find(after.State.AskedTopic)!;
        var askingAgain = topic == asked && answer is { Covered: false };
        if (askingAgain)
        {
            reply.Append("No problem, a rough answer is fine. ");
        }

        return reply.Append(Question(topic, askingAgain)).ToString();
    }

    private static string JoinLabels(List<string> labels) =>
        labels.Count == 1 ? labels[0] : string.Join(", ", labels.Take(labels.Count - 1)) + " and " + labels[^1];
}
