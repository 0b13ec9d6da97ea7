using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Worker.Infrastructure;

namespace Onboarding.Worker.Jobs;

/// <summary>
/// What a handler gets for one run of a job: the job, and the only way to write — a transaction that first proves
/// this worker still holds the lease (the fencing token still matches) and extends it. A worker whose job was
/// rescued by another therefore changes nothing, whatever it was doing when it stalled.
/// </summary>
public sealed class JobContext(
    JobLease lease, IServiceScopeFactory scopes, RunTimeline timeline, RunProgress progress, TimeProvider time, JobOptions options)
{
    public JobLease Lease => lease;

    public string RunId => lease.Id;

    /// <summary>Set once a heartbeat found the lease gone.</summary>
    public bool LeaseLost { get; internal set; }

    /// <summary>Set once <see cref="CompleteAsync"/> committed: the runner has nothing left to settle.</summary>
    public bool Completed { get; private set; }

    /// <summary>
    /// The run's last write, committed together with the job's success, so nobody sees the result without the job
    /// being done, or the job done without its result.
    /// </summary>
    public async Task CompleteAsync(Func<OnboardingDbContext, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await WriteAsync(async (db, ct) =>
        {
            await write(db, ct);
            var now = PostgresTime.Truncate(time.GetUtcNow());
            await db.Database.ExecuteSqlAsync(
                $"UPDATE jobs SET state = 'succeeded', finished_at = {now}, last_error = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE id = {lease.Id}",
                ct);
        }, cancellationToken);
        Completed = true;
    }

    /// <summary>
    /// Runs <paramref name="write"/> and saves it in one transaction that holds the job's row, together with the
    /// run's finished steps; then tells live views. Throws <see cref="LeaseLostException"/> when the lease is gone.
    /// </summary>
    public async Task WriteAsync(Func<OnboardingDbContext, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OnboardingDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await HoldAsync(db, cancellationToken);
        await write(db, cancellationToken);
        var steps = timeline.Drain();
        try
        {
            db.RunSteps.AddRange(steps);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            // A progress write may fail and the run go on: the steps it carried go with the next write instead.
            timeline.Requeue(steps);
            throw;
        }

        await progress.PublishAsync(RunId, lease.OrgId);
    }

    /// <summary>Saves steps that finished after the run completed (the span around the completing write itself).</summary>
    public async Task SaveLateStepsAsync(CancellationToken cancellationToken)
    {
        var steps = timeline.Drain();
        if (steps.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OnboardingDbContext>();
            db.RunSteps.AddRange(steps);
            await db.SaveChangesAsync(cancellationToken);
            // A run's page that saw it finish still shows these.
            await progress.PublishStepsAsync(RunId);
        }
    }

    /// <summary>Reads what the run needs; no fence needed, since reading changes nothing.</summary>
    public async Task<T> ReadAsync<T>(Func<OnboardingDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<OnboardingDbContext>(), cancellationToken);
    }

    /// <summary>Extends the lease (the heartbeat).</summary>
    public async Task ExtendLeaseAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await HoldAsync(scope.ServiceProvider.GetRequiredService<OnboardingDbContext>(), cancellationToken);
    }

    private async Task HoldAsync(OnboardingDbContext db, CancellationToken cancellationToken)
    {
        var until = PostgresTime.Truncate(time.GetUtcNow() + options.LeaseDuration);
        // The update locks the row until commit, so a rescue (which raises the version) waits for this write or beats it.
        var held = await db.Database.ExecuteSqlAsync(
            $"UPDATE jobs SET lease_expires_at = {until} WHERE id = {lease.Id} AND lease_version = {lease.Version} AND state = 'running'",
            cancellationToken);
        if (held == 0)
        {
            throw new LeaseLostException(lease.Id);
        }
    }
}
