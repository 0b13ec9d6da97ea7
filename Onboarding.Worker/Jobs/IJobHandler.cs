using Onboarding.Data.Infrastructure;

namespace Onboarding.Worker.Jobs;

/// <summary>Runs the jobs of one kind. Handlers must be idempotent: a rescued or retried job runs again from the start.</summary>
public interface IJobHandler
{
    /// <summary>The <see cref="Onboarding.Data.Model.JobKinds"/> value this handler runs.</summary>
    string Kind { get; }

    /// <summary>Does the work. Every write goes through <see cref="JobContext.WriteAsync"/>, so a worker that lost its lease writes nothing.</summary>
    Task RunAsync(JobContext job, CancellationToken cancellationToken);

    /// <summary>Records a final failure where its users look, in the transaction that marks the job failed.</summary>
    Task OnFailedAsync(JobContext job, OnboardingDbContext db, string message, CancellationToken cancellationToken) => Task.CompletedTask;
}
