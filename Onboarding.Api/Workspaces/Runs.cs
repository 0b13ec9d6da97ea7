using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Workspaces;

/// <summary>The workspace's background runs of every kind (scrapes, regenerations, analyses), and each one's timeline of steps.</summary>
public sealed class Runs(OnboardingDbContext db)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public async Task<IReadOnlyList<RunView>> ListAsync(Workspace workspace, int limit, CancellationToken cancellationToken)
    {
        var jobs = await db.Jobs.AsNoTracking()
            .Where(j => j.UserId == workspace.UserId)
            .OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        return jobs.Select(View).ToList();
    }

    public async Task<RunDetails?> FindAsync(Workspace workspace, string runId, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == runId && j.UserId == workspace.UserId, cancellationToken);
        if (job is null)
        {
            return null;
        }

        var steps = await db.RunSteps.AsNoTracking()
            .Where(s => s.RunId == runId)
            .OrderBy(s => s.StartedAt).ThenBy(s => s.Id)
            .ToListAsync(cancellationToken);
        return new RunDetails(View(job), steps.ConvertAll(s => new RunStepView(s.Name, s.Detail, s.Outcome, s.Attempt, Utc(s.StartedAt), Utc(s.EndedAt), s.SpanId)));
    }

    private static RunView View(Job job) => new(
        job.Id, job.Kind, job.State, job.Attempts, job.MaxAttempts, job.SessionId, job.LastError, job.TraceId,
        Utc(job.CreatedAt), Utc(job.StartedAt), Utc(job.FinishedAt));
}
