using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Workspaces;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Interviews;

/// <summary>
/// The end of an interview: the summary's Approve (queue) or the one-step complete, both creating the project and
/// queueing the analysis run, and the brief with where each field came from in the conversation.
/// </summary>
public sealed class InterviewCompletion(OnboardingDbContext db, InterviewStore store, TimeProvider time)
{
    /// <summary>The summary's Approve: queues the analysis of a completed interview, once.</summary>
    public async Task<Outcome<QueueResponse>> QueueAsync(Workspace workspace, SessionRequest request, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await store.LockUserAsync(workspace, cancellationToken);
        var session = await store.FindLockedAsync(workspace, request.SessionId, cancellationToken);
        if (session is null)
        {
            return InterviewErrors.SessionNotFound();
        }

        if (session.Status != InterviewStatus.Completed)
        {
            return InterviewErrors.Refused("invalid_state", "Session not in completed state");
        }

        if (session.AnalysisRunId is { } existing)
        {
            return new QueueResponse(true, "already_queued", existing);
        }

        var brief = await db.EntrepreneurBriefs.SingleOrDefaultAsync(b => b.SessionId == session.Id, cancellationToken)
            ?? await store.WriteBriefAsync(session, time.GetUtcNow(), cancellationToken);
        var (runId, failure) = await StartAnalysisAsync(workspace, session, brief, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        await transaction.CommitAsync(cancellationToken);
        return new QueueResponse(true, "queued", runId!);
    }

    /// <summary>Finalises in one step: completes the interview (with the client's corrections to the brief), creates the project, queues the analysis.</summary>
    public async Task<Outcome<CompleteResponse>> CompleteAsync(Workspace workspace, CompleteRequest request, CancellationToken cancellationToken)
    {
        if (InterviewRules.CheckComplete(request) is { } problem)
        {
            return InterviewErrors.InvalidRequest(problem);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await store.LockUserAsync(workspace, cancellationToken);
        var session = await store.FindLockedAsync(workspace, request.SessionId, cancellationToken);
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

        // The founder's corrections are kept with the conversation, so a later completion writes them again.
        if (request.EntrepreneurBrief is { Count: > 0 } corrections)
        {
            var merged = new Dictionary<string, string>(session.State.Corrections);
            foreach (var (field, value) in corrections)
            {
                merged[field] = value?.Trim() ?? "";
            }

            session.State = session.State with { Corrections = merged };
        }

        var brief = await store.WriteBriefAsync(session, now, cancellationToken);
        var triggered = session.AnalysisRunId is null;
        var runId = session.AnalysisRunId;
        if (triggered)
        {
            Failure? failure;
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
    public async Task<Outcome<BriefResponse>> BriefAsync(Workspace workspace, string? sessionId, string? projectId, CancellationToken cancellationToken)
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

        var session = await store.FindAsync(workspace, sessionId, cancellationToken);
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
        var sources = Provenance.Sources(session.State, await store.TurnsAsync(session.Id, cancellationToken));
        return new BriefResponse(true, view, await store.AnalysisAsync(session, cancellationToken), sources);
    }

    /// <summary>Creates the project and queues the analysis run for a completed interview, within the plan's monthly runs.</summary>
    private async Task<(string? RunId, Failure? Failure)> StartAnalysisAsync(
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

    private Task<int> AnalysesThisMonthAsync(Workspace workspace, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Jobs.CountAsync(j => j.UserId == workspace.UserId && j.Kind == JobKinds.Analysis && j.CreatedAt >= PlanLimits.MonthStart(now), cancellationToken);
}
