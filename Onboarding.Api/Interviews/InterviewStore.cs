using Microsoft.EntityFrameworkCore;
using Onboarding.Api.Workspaces;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Interviews;

/// <summary>
/// The interview's rows as every part of the surface reads and locks them. Every change to an interview holds its row
/// lock; anything counted against the plan also holds the user's, so two tabs cannot both slip under a limit.
/// </summary>
public sealed class InterviewStore(OnboardingDbContext db)
{
    public Task<int> LockUserAsync(Workspace workspace, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT 1 FROM users WHERE id = {workspace.UserId} FOR UPDATE", cancellationToken);

    /// <summary>The workspace user's interview, locked for this transaction; null for another user's or a malformed id.</summary>
    public async Task<InterviewSession?> FindLockedAsync(Workspace workspace, string? sessionId, CancellationToken cancellationToken) =>
        InterviewRules.IsInterviewId(sessionId) ? await LockAsync(workspace, sessionId!, cancellationToken) : null;

    public Task<InterviewSession?> LockAsync(Workspace workspace, string sessionId, CancellationToken cancellationToken) =>
        db.InterviewSessions
            .FromSql($"SELECT * FROM interview_sessions WHERE id = {sessionId} AND user_id = {workspace.UserId} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>The workspace user's interview, read without a lock.</summary>
    public async Task<InterviewSession?> FindAsync(Workspace workspace, string? sessionId, CancellationToken cancellationToken) =>
        InterviewRules.IsInterviewId(sessionId)
            ? await db.InterviewSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.UserId == workspace.UserId, cancellationToken)
            : null;

    /// <summary>The saved turns in the order of the conversation: the n-th is the founder's answer n.</summary>
    public Task<List<InterviewTurn>> TurnsAsync(string sessionId, CancellationToken cancellationToken) =>
        db.InterviewTurns.AsNoTracking().Where(t => t.SessionId == sessionId).OrderBy(t => t.Version).ToListAsync(cancellationToken);

    /// <summary>The brief row, created or refreshed from what the conversation collected.</summary>
    public async Task<EntrepreneurBrief> WriteBriefAsync(InterviewSession session, DateTimeOffset now, CancellationToken cancellationToken)
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

        brief.Fields = BriefFields.From(session.State);
        brief.UpdatedAt = now;
        return brief;
    }

    public async Task<CompletionView?> CompletionAsync(InterviewSession session, CancellationToken cancellationToken)
    {
        if (session.CompletedAt is not { } completedAt)
        {
            return null;
        }

        var briefId = await db.EntrepreneurBriefs.Where(b => b.SessionId == session.Id).Select(b => (Guid?)b.Id).SingleOrDefaultAsync(cancellationToken);
        var analysis = await AnalysisAsync(session, cancellationToken);
        return new CompletionView(Utc(completedAt), briefId, session.ProjectId, session.AnalysisRunId, analysis?.Status);
    }

    public async Task<AnalysisView?> AnalysisAsync(InterviewSession session, CancellationToken cancellationToken)
    {
        if (session.AnalysisRunId is not { } runId)
        {
            return null;
        }

        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == runId, cancellationToken);
        var analysis = await db.BriefAnalyses.AsNoTracking().SingleOrDefaultAsync(a => a.RunId == runId, cancellationToken);
        return new AnalysisView(runId, job.State, analysis?.Summary, analysis?.Insights ?? [], analysis?.Source, Utc(analysis?.CreatedAt), job.State == JobStates.Failed ? job.LastError : null);
    }
}
