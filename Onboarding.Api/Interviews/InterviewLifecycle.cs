using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Workspaces;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Interviews;

/// <summary>The founder interview's lifecycle: start or resume, status, pause, abandon, recover, and the summary's Revise.</summary>
public sealed class InterviewLifecycle(OnboardingDbContext db, InterviewStore store, Idempotency idempotency, TimeProvider time)
{
    public const string EstimatedDuration = "20 minutes";

    private const string PrivacyNotice =
        "Your answers are stored in this workspace to build your brief and its analysis. They are not shared outside it.";

    private static readonly AgentPersonality Personality = new(OfflineInterviewer.Name, "Startup interviewer", "warm, concise, curious");

    public async Task<Outcome<InterviewStartResponse>> StartAsync(
        Workspace workspace, StartInterviewRequest request, IdempotencyRequest? idempotent, CancellationToken cancellationToken)
    {
        if (InterviewRules.CheckStart(request, workspace.UserId) is { } problem)
        {
            return InterviewErrors.InvalidRequest(problem);
        }

        if (request.PlanType is not null && !Plans.IsKnown(request.PlanType))
        {
            return InterviewErrors.InvalidPlan("planType must be trial, sprint, founder or enterprise.");
        }

        return await idempotency.CommitOnceAsync(
            idempotent, StatusCodes.Status200OK, InterviewErrors.IdempotencyKeyReused(), () => OpenAsync(workspace, request, cancellationToken), cancellationToken,
            JsonSerializerOptions.Web);
    }

    /// <summary>Resumes the interview the request names or the open one, or starts a new one within the plan's limit; the caller commits.</summary>
    private async Task<Outcome<InterviewStartResponse>> OpenAsync(Workspace workspace, StartInterviewRequest request, CancellationToken cancellationToken)
    {
        await store.LockUserAsync(workspace, cancellationToken);
        var plan = await db.Orgs.Where(o => o.Id == workspace.OrgId).Select(o => o.Plan).SingleAsync(cancellationToken);
        if (request.PlanType is not null && request.PlanType != plan)
        {
            return InterviewErrors.InvalidPlan($"This workspace is on the {plan} plan: planType must be {plan}, or left out.");
        }

        var now = time.GetUtcNow();
        InterviewSession? session;
        if (request.ResumeSessionId is { } resumeId)
        {
            session = InterviewRules.IsInterviewId(resumeId) ? await store.LockAsync(workspace, resumeId, cancellationToken) : null;
            switch (session?.Status)
            {
                case null:
                    return InterviewErrors.SessionNotFound();
                case InterviewStatus.Completed:
                    return InterviewErrors.InvalidState("This interview is completed: revise it, or start a new one.", "revise", "create_new");
                case InterviewStatus.Abandoned:
                    return InterviewErrors.InvalidState("This interview was abandoned: recover it to go on, or start a new one.", "recover", "create_new");
            }
        }
        else if (request.ForceNew == true)
        {
            // A fresh start leaves no second interview open beside it; the old ones stay recoverable.
            await db.InterviewSessions
                .Where(s => s.UserId == workspace.UserId && (s.Status == InterviewStatus.Active || s.Status == InterviewStatus.Paused))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, InterviewStatus.Abandoned), cancellationToken);
            session = null;
        }
        else
        {
            session = await db.InterviewSessions
                .Where(s => s.UserId == workspace.UserId && (s.Status == InterviewStatus.Active || s.Status == InterviewStatus.Paused))
                .OrderByDescending(s => s.LastActivityAt)
                .FirstOrDefaultAsync(cancellationToken);
        }

        var resumed = session is not null;
        if (session is null)
        {
            var limit = PlanLimits.For(plan);
            var started = await db.InterviewSessions.CountAsync(s => s.UserId == workspace.UserId && s.CreatedAt >= PlanLimits.MonthStart(now), cancellationToken);
            if (started >= limit.SessionsPerMonth)
            {
                return InterviewErrors.LimitExceeded(
                    $"The {plan} plan allows {limit.SessionsPerMonth} interviews a month; this month's are used. Resume one, or upgrade.");
            }

            session = new InterviewSession
            {
                Id = Ids.NewInterviewId(),
                OrgId = workspace.OrgId,
                UserId = workspace.UserId,
                Plan = plan,
                State = Assessment.Initial(),
                UserContext = request.UserContext is { } c ? new InterviewUserContext(c.ReferralSource, c.PreviousExperience, c.TimeAvailable) : null,
                CreatedAt = now,
                LastActivityAt = now,
            };
            db.InterviewSessions.Add(session);
        }

        session.Status = InterviewStatus.Active;
        session.LastActivityAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return await StartViewAsync(session, resumed, cancellationToken);
    }

    /// <summary>
    /// The given interview, or the user's most recent active or paused one when no id is given; with
    /// <paramref name="includeCompleted"/>, the most recent completed one when none is open (the workspace home's journey).
    /// </summary>
    public async Task<Outcome<InterviewStatusResponse>> StatusAsync(
        Workspace workspace, string? sessionId, bool includeCompleted, CancellationToken cancellationToken)
    {
        var sessions = db.InterviewSessions.AsNoTracking().Where(s => s.UserId == workspace.UserId);
        InterviewSession? session;
        if (sessionId is not null)
        {
            session = InterviewRules.IsInterviewId(sessionId) ? await sessions.SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken) : null;
            if (session is null)
            {
                return InterviewErrors.SessionNotFound();
            }
        }
        else
        {
            session = await sessions
                .Where(s => s.Status == InterviewStatus.Active || s.Status == InterviewStatus.Paused || (includeCompleted && s.Status == InterviewStatus.Completed))
                .OrderBy(s => s.Status == InterviewStatus.Completed)
                .ThenByDescending(s => s.LastActivityAt)
                .FirstOrDefaultAsync(cancellationToken);
            if (session is null)
            {
                return new InterviewStatusResponse(true, null, null);
            }
        }

        return new InterviewStatusResponse(
            true, session.Id, session.Status, session.CurrentStage, Stages.Count, Stages.Get(session.CurrentStage).Name,
            Assessment.OverallProgress(session.State), Assessment.StageProgress(session.State, session.CurrentStage),
            session.MessageCount, session.Version, Utc(session.LastActivityAt), Assessment.CollectedTopics(session.State),
            await store.CompletionAsync(session, cancellationToken));
    }

    public Task<Outcome<MessageResponse>> PauseAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(workspace, request, session => session.Status switch
        {
            InterviewStatus.Completed => InterviewErrors.InvalidState("Cannot pause a completed session.", "revise"),
            InterviewStatus.Abandoned => InterviewErrors.InvalidState("Cannot pause an abandoned session.", "recover"),
            _ => Set(session, InterviewStatus.Paused, "Session paused successfully"),
        }, cancellationToken);

    public Task<Outcome<MessageResponse>> AbandonAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(workspace, request, session => session.Status switch
        {
            InterviewStatus.Completed => InterviewErrors.InvalidState("Cannot abandon a completed session."),
            _ => Set(session, InterviewStatus.Abandoned, "Session abandoned successfully"),
        }, cancellationToken);

    /// <summary>An abandoned or paused interview becomes active again, exactly where it was.</summary>
    public async Task<Outcome<InterviewStartResponse>> RecoverAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await store.FindLockedAsync(workspace, request.SessionId, cancellationToken);
        if (session is null)
        {
            return InterviewErrors.SessionNotFound();
        }

        if (session.Status == InterviewStatus.Completed)
        {
            return InterviewErrors.InvalidState("This interview is completed: revise it instead.", "revise");
        }

        session.Status = InterviewStatus.Active;
        session.LastActivityAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        var response = await StartViewAsync(session, resumed: true, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }

    /// <summary>The summary's Revise: back to active, cancelling an analysis that has not started.</summary>
    public async Task<Outcome<ReviseResponse>> ReviseAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await store.FindLockedAsync(workspace, request.SessionId, cancellationToken);
        if (session is null)
        {
            return InterviewErrors.SessionNotFound();
        }

        if (session.Status == InterviewStatus.Active)
        {
            return new ReviseResponse(true, "reset", QueueDeleted: false);
        }

        if (session.Status != InterviewStatus.Completed)
        {
            return InterviewErrors.Refused("cannot_revise", "Only a completed interview can be revised.");
        }

        var queueDeleted = false;
        if (session.AnalysisRunId is { } runId)
        {
            // Only a run no worker has touched may be withdrawn; a worker that holds it makes this delete nothing.
            var deleted = await db.Jobs.Where(j => j.Id == runId && j.State == JobStates.Queued && j.Attempts == 0).ExecuteDeleteAsync(cancellationToken);
            if (deleted == 0)
            {
                return InterviewErrors.Refused("cannot_revise", "Analysis already in progress or completed");
            }

            session.AnalysisRunId = null;
            queueDeleted = true;
        }

        session.Status = InterviewStatus.Active;
        session.CompletedAt = null;
        session.State = session.State with { Revising = true, AskedTopic = null };
        session.Version++;
        session.LastActivityAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReviseResponse(true, "reset", queueDeleted);
    }

    private async Task<Outcome<MessageResponse>> ChangeAsync(
        Workspace workspace, SessionRequest request, Func<InterviewSession, Outcome<MessageResponse>> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await store.FindLockedAsync(workspace, request.SessionId, cancellationToken);
        if (session is null)
        {
            return InterviewErrors.SessionNotFound();
        }

        var outcome = change(session);
        if (outcome.Failure is null)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }

    private Outcome<MessageResponse> Set(InterviewSession session, string status, string message)
    {
        if (session.Status != status)
        {
            session.Status = status;
            session.LastActivityAt = time.GetUtcNow();
        }

        return new MessageResponse(true, message);
    }

    private async Task<InterviewStartResponse> StartViewAsync(InterviewSession session, bool resumed, CancellationToken cancellationToken)
    {
        var turns = await store.TurnsAsync(session.Id, cancellationToken);
        var stage = Stages.Get(session.CurrentStage);
        var quality = QualitySignalsView.From(Assessment.Quality(session.State));
        var open = session.State.Revising ? OfflineInterviewer.RevisionQuestion
            : turns.Count > 0 ? turns[^1].AssistantContent
            : OfflineInterviewer.NextQuestion(session.State);
        return new InterviewStartResponse(
            true, session.Id, session.Status, resumed, session.Version, OfflineInterviewer.Introduction, open, EstimatedDuration,
            new StageInfo(stage.Number, Stages.Count, stage.Name, stage.Description),
            new ConversationContext(Personality, stage.ExpectedOutcomes, PrivacyNotice),
            quality,
            new StageSnapshot(stage.Number, Assessment.StageProgress(session.State, stage.Number), quality, [.. BriefFields.From(session.State).Keys], Utc(session.LastActivityAt)),
            Assessment.OverallProgress(session.State),
            Assessment.StageProgress(session.State, stage.Number),
            Assessment.CollectedTopics(session.State),
            [.. turns.SelectMany(t => new[]
            {
                new TranscriptMessage(t.MessageId, "user", t.UserContent, Utc(t.UserAt)),
                new TranscriptMessage(t.MessageId + ":reply", "assistant", t.AssistantContent, Utc(t.AssistantAt)),
            })]);
    }
}
