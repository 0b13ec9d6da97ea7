using System.ComponentModel.DataAnnotations;

namespace Onboarding.Worker.Jobs;

/// <summary>The job runner's settings, section <c>Jobs</c>.</summary>
public sealed class JobOptions
{
    public const string SectionName = "Jobs";

    /// <summary><c>Jobs:Concurrency</c>: jobs one worker process runs at once. Default 4 (crawls mostly wait on the network).</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// <c>Jobs:LeaseDuration</c>: how long a job stays with its worker without a heartbeat. A crashed worker's job is
    /// rescued this long after its last heartbeat. Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>Jobs:HeartbeatInterval</c>: how often a running job's lease is extended. Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Jobs:PollInterval</c>: how often the queue is checked without a notification (and for expired leases). Default 2 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary><c>Jobs:RetryBaseDelay</c>: the first retry's delay ceiling; each retry doubles it (with full jitter). Default 5 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>Jobs:RetryMaxDelay</c>: the cap on a retry's delay. Default 5 min.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>Jobs:ShutdownGrace</c>: on shutdown, how long running jobs may still finish; after that they are cancelled and
    /// handed back to the queue for another worker. Default 2 s, well inside the host's shutdown timeout (5 s, set in
    /// ServiceDefaults), so handing back always has time.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(2);
}
