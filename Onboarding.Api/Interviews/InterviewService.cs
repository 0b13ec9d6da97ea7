using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Workspaces;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Interviews;

/// <summary>
/// The founder interview's lifecycle (seed 002): start or resume, pause, abandon, recover, the atomic save of each
/// turn, completion into a brief and a project, and the analysis run. Every change to an interview holds its row lock;
/// anything counted against the plan also holds the user's, so two tabs cannot both slip under a limit.
/// </summary>
public sealed class InterviewService(OnboardingDbContext db, Idempotency idempotency, TimeProvider time)
{
    public const string EstimatedDuration = "20 minutes";

    private const string PrivacyNotice =
        "Your answers are stored in this workspace to build your brief and its analysis. They are not shared outside it.";

    private static readonly AgentPersonality Personality = new(OfflineInterviewer.Name, "Startup interviewer", "warm, concise, curious");

    public async Task<InterviewOutcome<InterviewStartResponse>> StartAsync(
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

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (idempotent is not null && await idempotency.ClaimAsync(idempotent, cancellationToken) is { } first)
        {
            return Idempotency.SameRequest(first, idempotent)
                ? new InterviewOutcome<InterviewStartResponse>(JsonSerializer.Deserialize<InterviewStartResponse>(first.ResponseBody, JsonSerializerOptions.Web), null, Replayed: true)
                : InterviewErrors.IdempotencyKeyReused();
        }

        await LockUserAsync(workspace, cancellationToken);
        var plan = await db.Orgs.Where(o => o.Id == workspace.OrgId).Select(o => o.Plan).SingleAsync(cancellationToken);
        if (request.PlanType is not null && request.PlanType != plan)
        {
            return InterviewErrors.InvalidPlan($"This workspace is on the {plan} plan: planType must be {plan}, or left out.");
        }

        var now = time.GetUtcNow();
        InterviewSession? session;
        if (request.ResumeSessionId is { } resumeId)
        {
            session = InterviewRules.IsInterviewId(resumeId) ? await LockAsync(workspace, resumeId, cancellationToken) : null;
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
        var response = await StartViewAsync(session, resumed, cancellationToken);
        if (idempotent is not null)
        {
            await idempotency.CompleteAsync(idempotent, StatusCodes.Status200OK, JsonSerializer.Serialize(response, JsonSerializerOptions.Web), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return response;
    }

    /// <summary>The given interview, or the user's most recent active or paused one when no id is given.</summary>
    public async Task<InterviewOutcome<InterviewStatusResponse>> StatusAsync(Workspace workspace, string? sessionId, CancellationToken cancellationToken)
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
                .Where(s => s.Status == InterviewStatus.Active || s.Status == InterviewStatus.Paused)
                .OrderByDescending(s => s.LastActivityAt)
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
            await CompletionAsync(session, cancellationToken));
    }

    public Task<InterviewOutcome<MessageResponse>> PauseAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(workspace, request, session => session.Status switch
        {
            InterviewStatus.Completed => InterviewErrors.InvalidState("Cannot pause a completed session.", "revise"),
            InterviewStatus.Abandoned => InterviewErrors.InvalidState("Cannot pause an abandoned session.", "recover"),
            _ => Set(session, InterviewStatus.Paused, "Session paused successfully"),
        }, cancellationToken);

    public Task<InterviewOutcome<MessageResponse>> AbandonAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(workspace, request, session => session.Status switch
        {
            InterviewStatus.Completed => InterviewErrors.InvalidState("Cannot abandon a completed session."),
            _ => Set(session, InterviewStatus.Abandoned, "Session abandoned successfully"),
        }, cancellationToken);

    /// <summary>An abandoned or paused interview becomes active again, exactly where it was.</summary>
    public async Task<InterviewOutcome<InterviewStartResponse>> RecoverAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await FindLockedAsync(workspace, request.SessionId, cancellationToken);
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
    public async Task<InterviewOutcome<ReviseResponse>> ReviseAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await FindLockedAsync(workspace, request.SessionId, cancellationToken);
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
            return new InterviewFailure(StatusCodes.Status409Conflict, new StateRefusal(false, "cannot_revise", "Only a completed interview can be revised."));
        }

        var queueDeleted = false;
        if (session.AnalysisRunId is { } runId)
        {
            // Only a run no worker has touched may be withdrawn; a worker that holds it makes this delete nothing.
            var deleted = await db.Jobs.Where(j => j.Id == runId && j.State == JobStates.Queued && j.Attempts == 0).ExecuteDeleteAsync(cancellationToken);
            if (deleted == 0)
            {
                return new InterviewFailure(StatusCodes.Status409Conflict, new StateRefusal(false, "cannot_revise", "Analysis already in progress or completed"));
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

    /// <summary>The summary's Approve: queues the analysis of a completed interview, once.</summary>
    public async Task<InterviewOutcome<QueueResponse>> QueueAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockUserAsync(workspace, cancellationToken);
        var session = await FindLockedAsync(workspace, request.SessionId, cancellationToken);
        if (session is null)
        {
            return InterviewErrors.SessionNotFound();
        }

        if (session.Status != InterviewStatus.Completed)
        {
            return new InterviewFailure(StatusCodes.Status409Conflict, new StateRefusal(false, "invalid_state", "Session not in completed state"));
        }

        if (session.AnalysisRunId is { } existing)
        {
            return new QueueResponse(true, "already_queued", existing);
        }

        var brief = await db.EntrepreneurBriefs.SingleOrDefaultAsync(b => b.SessionId == session.Id, cancellationToken)
            ?? await WriteBriefAsync(session, time.GetUtcNow(), cancellationToken);
        var (runId, failure) = await StartAnalysisAsync(workspace, session, brief, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        await transaction.CommitAsync(cancellationToken);
        return new QueueResponse(true, "queued", runId!);
    }

    /// <summary>Finalises in one step: completes the interview (with the client's corrections to the brief), creates the project, queues the analysis.</summary>
    public async Task<InterviewOutcome<CompleteResponse>> CompleteAsync(Workspace workspace, CompleteRequest request, CancellationToken cancellationToken)
    {
        if (InterviewRules.CheckComplete(request) is { } problem)
        {
            return InterviewErrors.InvalidRequest(problem);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockUserAsync(workspace, cancellationToken);
        var session = await FindLockedAsync(workspace, request.SessionId, cancellationToken);
        if (session is null)
        {
            return InterviewErrors.InvalidSession(StatusCodes.Status404NotFound, "Session not found or not owned by this user.");
        }

        if (session.Status == InterviewStatus.Abandoned)
        {
            return InterviewErrors.InvalidSession(StatusCodes.Status409Conflict, "This interview was abandoned: recover it before completing it.");
        }

        var now = time.GetUtcNow();
        if (session.Status != InterviewStatus.Completed)
        {
            session.Status = InterviewStatus.Completed;
            session.CompletedAt = now;
            session.Version++;
        }

        if (request.UserFeedback is { } f)
        {
            session.Feedback = new InterviewFeedback(f.ConversationRating, f.ClarityRating, f.HelpfulnessRating, f.Comments);
        }

        var brief = await WriteBriefAsync(session, now, cancellationToken);
        foreach (var (field, value) in request.EntrepreneurBrief ?? [])
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                brief.Fields.Remove(field);
            }
            else
            {
                brief.Fields[field] = value.Trim();
            }
        }

        var triggered = session.AnalysisRunId is null;
        var runId = session.AnalysisRunId;
        if (triggered)
        {
            InterviewFailure? failure;
            (runId, failure) = await StartAnalysisAsync(workspace, session, brief, cancellationToken);
            if (failure is not null)
            {
                return failure;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        var project = await db.Projects.SingleAsync(p => p.Id == session.ProjectId, cancellationToken);
        var limit = PlanLimits.For(session.Plan);
        var used = await AnalysesThisMonthAsync(workspace, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CompleteResponse(
            true, runId!, triggered, "under a minute",
            [
                new NextStep("Review Brief", "Review your entrepreneur brief", "2 minutes", "high"),
                new NextStep("Read the analysis", "The summary and insights appear on the dashboard when the run finishes", "1 minute", "medium"),
            ],
            Deliverables: null,
            DashboardRedirect: "/dashboard/interview",
            new ProjectCreated(project.Id, project.Name, $"/dashboard/runs/{runId}"),
            new AnalysisMetadata(brief.Fields.Count, new RateLimitView(limit.AnalysesPerMonth, Math.Max(0, limit.AnalysesPerMonth - used),
                (long)(PlanLimits.MonthEnd(now) - now).TotalSeconds)));
    }

    /// <summary>The brief of an interview, by its id or its project's, and the analysis once there is one.</summary>
    public async Task<InterviewOutcome<BriefResponse>> BriefAsync(Workspace workspace, string? sessionId, string? projectId, CancellationToken cancellationToken)
    {
        if ((sessionId is null) == (projectId is null))
        {
            return InterviewErrors.InvalidRequest("Give sessionId or projectId (one of them).");
        }

        if (projectId is not null)
        {
            if (!Guid.TryParseExact(projectId, "D", out var project))
            {
                return InterviewErrors.InvalidRequest("projectId must be a UUID, as returned by complete.");
            }

            sessionId = await db.Projects.Where(p => p.Id == project && p.UserId == workspace.UserId).Select(p => p.SessionId).SingleOrDefaultAsync(cancellationToken);
        }

        var session = InterviewRules.IsInterviewId(sessionId)
            ? await db.InterviewSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.UserId == workspace.UserId, cancellationToken)
            : null;
        if (session is null)
        {
            return InterviewErrors.SessionNotFound();
        }

        var brief = await db.EntrepreneurBriefs.AsNoTracking().SingleOrDefaultAsync(b => b.SessionId == session.Id, cancellationToken);
        if (brief is null)
        {
            return InterviewErrors.BriefNotFound();
        }

        var view = new Dictionary<string, object?>
        {
            ["id"] = brief.Id,
            ["session_id"] = brief.SessionId,
            ["user_id"] = brief.UserId,
            ["project_id"] = session.ProjectId,
        };
        foreach (var field in Stages.BriefFields)
        {
            view[field] = brief.Fields.GetValueOrDefault(field);
        }

        view["created_at"] = Utc(brief.CreatedAt);
        view["updated_at"] = Utc(brief.UpdatedAt);
        return new BriefResponse(true, view, await AnalysisAsync(session, cancellationToken));
    }

    /// <summary>
    /// Pass 2 of seed 002: saves one turn exactly once. Under the interview's row lock it refuses a repeated
    /// <c>messageId</c> (no second write) and a stale <c>expectedVersion</c>, then writes the turn, the assessment and the
    /// version bump in one commit.
    /// </summary>
    public async Task<InterviewOutcome<SaveResponse>> SaveAsync(Workspace workspace, SaveRequest request, CancellationToken cancellationToken)
    {
        if (InterviewRules.CheckSave(request) is { } problem)
        {
            return InterviewErrors.InvalidRequest(problem);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await FindLockedAsync(workspace, request.SessionId, cancellationToken);
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
            briefId = (await WriteBriefAsync(session, now, cancellationToken)).Id;
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
    public async Task<InterviewOutcome<InterviewerContext>> PrepareReplyAsync(Workspace workspace, ChatStreamRequest request, CancellationToken cancellationToken)
    {
        if (InterviewRules.CheckStream(request) is { } problem)
        {
            return InterviewErrors.InvalidRequest(problem);
        }

        var session = InterviewRules.IsInterviewId(request.SessionId)
            ? await db.InterviewSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == request.SessionId && s.UserId == workspace.UserId, cancellationToken)
            : null;
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

    private async Task<InterviewOutcome<MessageResponse>> ChangeAsync(
        Workspace workspace, SessionRequest request, Func<InterviewSession, InterviewOutcome<MessageResponse>> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await FindLockedAsync(workspace, request.SessionId, cancellationToken);
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

    private InterviewOutcome<MessageResponse> Set(InterviewSession session, string status, string message)
    {
        if (session.Status != status)
        {
            session.Status = status;
            session.LastActivityAt = time.GetUtcNow();
        }

        return new MessageResponse(true, message);
    }

    /// <summary>Creates the project and queues the analysis run for a completed interview, within the plan's monthly runs.</summary>
    private async Task<(string? RunId, InterviewFailure? Failure)> StartAnalysisAsync(
        Workspace workspace, InterviewSession session, EntrepreneurBrief brief, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var limit = PlanLimits.For(session.Plan);
        if (await AnalysesThisMonthAsync(workspace, now, cancellationToken) >= limit.AnalysesPerMonth)
        {
            return (null, InterviewErrors.LimitExceeded($"The {session.Plan} plan allows {limit.AnalysesPerMonth} analyses a month; this month's are used."));
        }

        if (session.ProjectId is null)
        {
            var project = new Project
            {
                Id = Guid.CreateVersion7(now),
                OrgId = session.OrgId,
                UserId = session.UserId,
                SessionId = session.Id,
                Name = brief.Fields.GetValueOrDefault("company_name") ?? "My startup",
                CreatedAt = now,
            };
            db.Projects.Add(project);
            session.ProjectId = project.Id;
        }

        var runId = Ids.NewRunId();
        Activity.Current?.SetTag(Microsoft.Extensions.Hosting.RunTelemetry.RunIdTag, runId);
        session.AnalysisRunId = runId;
        await db.SaveChangesAsync(cancellationToken);
        await JobQueue.EnqueueAsync(db, new Job
        {
            Id = runId,
            Kind = JobKinds.Analysis,
            OrgId = session.OrgId,
            UserId = session.UserId,
            Payload = JobPayload.Write(new AnalysisPayload(session.Id, session.ProjectId.Value)),
            RunAfter = now,
            CreatedAt = now,
            TraceParent = JobQueue.CurrentTraceParent(),
        }, cancellationToken);
        return (runId, null);
    }

    /// <summary>The brief row, created or refreshed from what the conversation collected.</summary>
    private async Task<EntrepreneurBrief> WriteBriefAsync(InterviewSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var brief = await db.EntrepreneurBriefs.SingleOrDefaultAsync(b => b.SessionId == session.Id, cancellationToken);
        if (brief is null)
        {
            brief = new EntrepreneurBrief
            {
                Id = Guid.CreateVersion7(now),
                SessionId = session.Id,
                OrgId = session.OrgId,
                UserId = session.UserId,
                CreatedAt = now,
            };
            db.EntrepreneurBriefs.Add(brief);
        }

        brief.Fields = Assessment.Brief(session.State);
        brief.UpdatedAt = now;
        return brief;
    }

    private Task<int> AnalysesThisMonthAsync(Workspace workspace, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Jobs.CountAsync(j => j.UserId == workspace.UserId && j.Kind == JobKinds.Analysis && j.CreatedAt >= PlanLimits.MonthStart(now), cancellationToken);

    private async Task<InterviewStartResponse> StartViewAsync(InterviewSession session, bool resumed, CancellationToken cancellationToken)
    {
        var turns = await db.InterviewTurns.AsNoTracking().Where(t => t.SessionId == session.Id).OrderBy(t => t.Version).ToListAsync(cancellationToken);
        var stage = Stages.Get(session.CurrentStage);
        var quality = QualitySignalsView.From(Assessment.Quality(session.State));
        var open = session.State.Revising ? OfflineInterviewer.RevisionQuestion
            : turns.Count > 0 ? turns[^1].AssistantContent
            : OfflineInterviewer.Question(Stages.Find(session.State.AskedTopic) ?? Stages.Topics[0]);
        return new InterviewStartResponse(
            true, session.Id, session.Status, resumed, session.Version, OfflineInterviewer.Introduction, open, EstimatedDuration,
            new StageInfo(stage.Number, Stages.Count, stage.Name, stage.Description),
            new ConversationContext(Personality, stage.ExpectedOutcomes, PrivacyNotice),
            quality,
            new StageSnapshot(stage.Number, Assessment.StageProgress(session.State, stage.Number), quality, [.. Assessment.Brief(session.State).Keys], Utc(session.LastActivityAt)),
            Assessment.OverallProgress(session.State),
            Assessment.StageProgress(session.State, stage.Number),
            Assessment.CollectedTopics(session.State),
            [.. turns.SelectMany(t => new[]
            {
                new TranscriptMessage(t.MessageId, "user", t.UserContent, Utc(t.UserAt)),
                new TranscriptMessage(t.MessageId + ":reply", "assistant", t.AssistantContent, Utc(t.AssistantAt)),
            })]);
    }

    private async Task<CompletionView?> CompletionAsync(InterviewSession session, CancellationToken cancellationToken)
    {
        if (session.CompletedAt is not { } completedAt)
        {
            return null;
        }

        var briefId = await db.EntrepreneurBriefs.Where(b => b.SessionId == session.Id).Select(b => (Guid?)b.Id).SingleOrDefaultAsync(cancellationToken);
        var analysis = await AnalysisAsync(session, cancellationToken);
        return new CompletionView(Utc(completedAt), briefId, session.ProjectId, session.AnalysisRunId, analysis?.Status);
    }

    private async Task<AnalysisView?> AnalysisAsync(InterviewSession session, CancellationToken cancellationToken)
    {
        if (session.AnalysisRunId is not { } runId)
        {
            return null;
        }

        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == runId, cancellationToken);
        var analysis = await db.BriefAnalyses.AsNoTracking().SingleOrDefaultAsync(a => a.RunId == runId, cancellationToken);
        return new AnalysisView(runId, job.State, analysis?.Summary, analysis?.Insights ?? [], analysis?.Source, Utc(analysis?.CreatedAt), job.State == JobStates.Failed ? job.LastError : null);
    }

    private Task<int> LockUserAsync(Workspace workspace, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT 1 FROM users WHERE id = {workspace.UserId} FOR UPDATE", cancellationToken);

    private async Task<InterviewSession?> FindLockedAsync(Workspace workspace, string? sessionId, CancellationToken cancellationToken) =>
        InterviewRules.IsInterviewId(sessionId) ? await LockAsync(workspace, sessionId!, cancellationToken) : null;

    private Task<InterviewSession?> LockAsync(Workspace workspace, string sessionId, CancellationToken cancellationToken) =>
        db.InterviewSessions
            .FromSql($"SELECT * FROM interview_sessions WHERE id = {sessionId} AND user_id = {workspace.UserId} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
}
