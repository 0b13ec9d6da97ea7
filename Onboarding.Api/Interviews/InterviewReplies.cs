using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;

namespace Onboarding.Api.Interviews;

/// <summary>One piece of the interviewer's reply as it is written.</summary>
public sealed record ChatStreamDelta(string Text);

/// <summary>
/// The chat stream's events: the interviewer's reply as <c>delta</c> events, then <c>done</c> with the whole of it and
/// the progress it will make once saved, or <c>error</c> if the interviewer failed before finishing.
/// </summary>
public sealed class InterviewReplies(IInterviewer interviewer, ILogger<InterviewReplies> logger)
{
    public async IAsyncEnumerable<SseItem<object>> StreamAsync(InterviewerContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var whole = new StringBuilder();
        await using var words = interviewer.ReplyAsync(context, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            string? text;
            try
            {
                text = await words.MoveNextAsync() ? words.Current : null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The interviewer failed while streaming a reply.");
                text = null;
                whole.Clear();
            }

            if (text is null)
            {
                break;
            }

            whole.Append(text);
            yield return new SseItem<object>(new ChatStreamDelta(text), "delta");
        }

        if (whole.Length == 0)
        {
            yield return new SseItem<object>(new InterviewError(false, new InterviewErrorBody("AI_SERVICE_UNAVAILABLE", "The interviewer could not reply. Send the message again.", true, ["retry"])), "error");
            yield break;
        }

        var after = context.After;
        var stage = Stages.Get(after.Stage);
        yield return new SseItem<object>(
            new ChatStreamDone(whole.ToString().Trim(), stage.Number, stage.Name, Assessment.OverallProgress(after.State), after.StageAdvanced, after.Completed, after.State.AskedTopic),
            "done");
    }
}
