using Microsoft.EntityFrameworkCore;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Workspaces;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>The two passes of each turn: what the interviewer replies (saving nothing), then the turn's one save with its assessment.</summary>
public sealed class InterviewChat(OnboardingDbContext db, InterviewStore store, TimeProvider time)
{
    /// <summary>
    /// Pass 2: saves one turn exactly once. Under the interview's row lock it refuses a repeated
    /// <c>messageId</c> (no second write) and a stale <c>expectedVersion</c>, then writes the turn, the assessment and the
    /// version bump in one commit.
    /// </summary>
    public async Task<Outcome<SaveResponse>> SaveAsync(Workspace workspace, SaveRequest request, CancellationToken cancellationToken)
    {
        if (InterviewRules.CheckSave(request) is { } problem)
        {
            return InterviewErrors.InvalidRequest(problem);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await store.FindLockedAsync(workspace, request.SessionId, cancellationToken);
        if (session is null)
        {
            return InterviewErrors.SessionNotFound();
        }

        // A retry of a save that committed: answer it as such, whatever has happened since.
        if (await db.InterviewTurns.AnyAsync(t => t.SessionId == session.Id && t.MessageId == request.MessageId, cancellationToken))
        {
            return new SaveResponse(true, "duplicate", session.Version);
        }

        if (session.Status is InterviewStatus.Completed or InterviewStatus.Abandoned)
        {
            return session.Status == InterviewStatus.Completed
                ? InterviewErrors.InvalidState("This interview is completed: revise it to add to it.", "revise")
                : InterviewErrors.InvalidState("This interview was abandoned: recover it to go on.", "recover");
        }

        if (request.ExpectedVersion is { } expected && expected != session.Version)
        {
            return InterviewErrors.VersionConflict(session.Version, expected);
        }

        var limit = PlanLimits.For(session.Plan);
        if (session.MessageCount + 2 > limit.MessagesPerSession)
        {
            return InterviewErrors.LimitExceeded($"The {session.Plan} plan allows {limit.MessagesPerSession} messages per interview, and this one has used them.");
        }

        var now = time.GetUtcNow();
        var stageBefore = session.CurrentStage;
        var result = Assessment.Assess(session.State, session.CurrentStage, request.UserMessage!.Content!);
        session.Version++;
        session.MessageCount += 2;
        session.CurrentStage = result.Stage;
        session.State = result.State;
        session.Status = InterviewStatus.Active;
        session.LastActivityAt = now;
        db.InterviewTurns.Add(new InterviewTurn
        {
            SessionId = session.Id,
            MessageId = request.MessageId!,
            Version = session.Version,
            Stage = stageBefore,
            UserContent = request.UserMessage.Content!,
            AssistantContent = request.AssistantMessage!.Content!,
            UserAt = request.UserMessage.Timestamp ?? now,
            AssistantAt = request.AssistantMessage.Timestamp ?? now,
            CreatedAt = now,
        });

        Guid? briefId = null;
        if (result.Completed)
        {
            session.Status = InterviewStatus.Completed;
            session.CompletedAt = now;
            briefId = (await store.WriteBriefAsync(session, now, cancellationToken)).Id;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SaveResponse(
            true, "committed", session.Version, session.CurrentStage, Stages.Get(session.CurrentStage).Name,
            Assessment.OverallProgress(session.State), Assessment.StageProgress(session.State, session.CurrentStage),
            result.StageAdvanced, result.Completed, Queued: result.Completed ? false : null, briefId, result.CollectedTopics);
    }

    /// <summary>
    /// Pass 1's input: the interview as the founder's new message would leave it, without saving anything. The history
    /// comes from what was saved, never from the client, so a client cannot put words in the interviewer's mouth.
    /// </summary>
    public async Task<Outcome<InterviewerContext>> PrepareReplyAsync(Workspace workspace, ChatStreamRequest request, CancellationToken cancellationToken)
    {
        if (InterviewRules.CheckStream(request) is { } problem)
        {
            return InterviewErrors.InvalidRequest(problem);
        }

        var session = await store.FindAsync(workspace, request.SessionId, cancellationToken);
        if (session is null)
        {
            return InterviewErrors.SessionNotFound();
        }

        if (session.Status is InterviewStatus.Completed or InterviewStatus.Abandoned)
        {
            return InterviewErrors.InvalidState($"This interview is {session.Status}.", session.Status == InterviewStatus.Completed ? "revise" : "recover");
        }

        var limit = PlanLimits.For(session.Plan);
        if (session.MessageCount + 2 > limit.MessagesPerSession)
        {
            return InterviewErrors.LimitExceeded($"The {session.Plan} plan allows {limit.MessagesPerSession} messages per interview, and this one has used them.");
        }

        var history = await db.InterviewTurns.AsNoTracking()
            .Where(t => t.SessionId == session.Id)
            .OrderByDescending(t => t.Version).Take(20)
            .ToListAsync(cancellationToken);
        history.Reverse();
        var message = request.Messages![^1].Content!;
        return new InterviewerContext(session.State, session.CurrentStage, Assessment.Assess(session.State, session.CurrentStage, message), message, history);
    }

    /// <summary>The development-only view of why the interview did what it did: each topic's standing and evidence.</summary>
    public async Task<Outcome<InterviewDebugResponse>> DebugAsync(Workspace workspace, string? sessionId, CancellationToken cancellationToken) =>
        await store.FindAsync(workspace, sessionId, cancellationToken) is { } session
            ? Provenance.Debug(session, await store.TurnsAsync(session.Id, cancellationToken))
            : InterviewErrors.SessionNotFound();
}
