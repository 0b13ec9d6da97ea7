namespace Onboarding.Worker.Jobs;

/// <summary>A job as the worker that picked it up holds it. <see cref="Version"/> is its fencing token.</summary>
public sealed record JobLease(
    string Id,
    string Kind,
    string OrgId,
    string UserId,
    Guid? SessionId,
    string Payload,
    int Attempt,
    int MaxAttempts,
    long Version,
    string? TraceParent);

/// <summary>
/// A run that cannot succeed. Permanent failures (a bad domain, a blocked address, a 404 home page)
/// fail at once; others are retried with backoff until the job's attempts run out.
/// </summary>
public sealed class JobFailedException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>This worker no longer holds the job (its lease expired and another worker took it): it must stop and write nothing.</summary>
public sealed class LeaseLostException(string runId)
    : Exception($"The lease on {runId} was lost to another worker.");
