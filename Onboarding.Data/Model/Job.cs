namespace Onboarding.Data.Model;

/// <summary>What a job does; each kind has one handler in the Worker.</summary>
public static class JobKinds
{
    /// <summary>The onboarding scrape of the workspace contract: crawl, generate, write the profile, move the session.</summary>
    public const string Scrape = "scrape";

    /// <summary>The workspace contract's regenerate: the same crawl and generation, without a session to move.</summary>
    public const string Regenerate = "regenerate";

    /// <summary>The interview contract's analysis of an approved entrepreneur brief.</summary>
    public const string Analysis = "analysis";
}

public static class JobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>
/// A unit of background work in the Postgres queue, inserted in the same transaction as the row that needs it.
/// Its id is the run's id (<c>run_…</c>), the one clients keep for support and every span and log line carries.
/// </summary>
public class Job
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string OrgId { get; init; }

    public required string UserId { get; init; }

    /// <summary>The scrape session the job moves, for <see cref="JobKinds.Scrape"/>.</summary>
    public Guid? SessionId { get; init; }

    /// <summary>The kind's input, as JSON.</summary>
    public required string Payload { get; init; }

    public string State { get; set; } = JobStates.Queued;

    /// <summary>Runs started so far, including one a crashed worker never finished.</summary>
    public int Attempts { get; set; }

    public int MaxAttempts { get; init; } = 5;

    /// <summary>Not picked up before then (backoff after a transient failure).</summary>
    public DateTimeOffset RunAfter { get; set; }

    /// <summary>The worker that holds the job while running.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>Heartbeats push this forward; once past, another worker may rescue the job.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>The fencing token: raised at every pick-up, and every write of a run checks it, so a stale worker changes nothing.</summary>
    public long LeaseVersion { get; set; }

    public string? LastError { get; set; }

    /// <summary>The W3C <c>traceparent</c> of the request that queued the job: the run's spans join that trace.</summary>
    public string? TraceParent { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The trace id inside <see cref="TraceParent"/>, or null.</summary>
    public string? TraceId => TraceIdOf(TraceParent);

    /// <summary>The trace id of a W3C traceparent (<c>00-{trace id}-{span id}-{flags}</c>).</summary>
    public static string? TraceIdOf(string? traceParent) => traceParent is { Length: 55 } ? traceParent[3..35] : null;
}

/// <summary>One finished step of a run (a span of its trace), for the run's timeline.</summary>
public class RunStep
{
    public long Id { get; init; }

    public required string RunId { get; init; }

    public int Attempt { get; init; }

    /// <summary>e.g. <c>looking_up</c>, <c>fetch /pricing</c>, <c>generate.market</c>, <c>write_profile</c>.</summary>
    public required string Name { get; init; }

    public string? Detail { get; init; }

    /// <summary><c>ok</c> or <c>error</c>.</summary>
    public required string Outcome { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    public string? SpanId { get; init; }
}
