using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;

namespace Onboarding.Data.Jobs;

/// <summary>
/// The producer's side of the Postgres job queue. A job is added in the caller's transaction with the row
/// that needs it, so it exists exactly when that row does; the wake-up goes out when that transaction commits.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is the queue.")]
public static class JobQueue
{
    /// <summary>The Postgres channel that wakes workers; the payload is the job's id.</summary>
    public const string WakeUpChannel = "onboarding_jobs";

    /// <summary>
    /// Adds the job and its wake-up to the current transaction (the caller must hold one and commit it).
    /// The job joins the current trace, so the worker's spans continue the request's.
    /// </summary>
    public static async Task EnqueueAsync(OnboardingDbContext db, Job job, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Enqueue a job inside the transaction that writes the row it serves.");
        }

        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({WakeUpChannel}, {job.Id})", cancellationToken);
    }

    /// <summary>The W3C traceparent of the current span, to store on a new job.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
