using System.Collections.Concurrent;
using System.Diagnostics;
using Onboarding.Data.Model;

namespace Onboarding.Worker.Jobs;

/// <summary>
/// The steps of one run as its trace records them: every span of the Worker's source under the run's root span,
/// once finished, becomes a <see cref="RunStep"/> saved with the run's next write. The dashboard reads them.
/// </summary>
public sealed class RunTimeline(string runId, int attempt)
{
    /// <summary>The root span's custom property that points its descendants at their timeline.</summary>
    public const string PropertyName = "onboarding.timeline";

    /// <summary>A span tag that adds a short detail to the step, e.g. the fetched URL.</summary>
    public const string DetailTag = "onboarding.step.detail";

    private readonly ConcurrentQueue<RunStep> _pending = new();

    public void Add(Activity span) => _pending.Enqueue(new RunStep
    {
        RunId = runId,
        Attempt = attempt,
        Name = Truncate(span.DisplayName, 200)!,
        Detail = Truncate((span.GetTagItem(DetailTag) as string) ?? span.StatusDescription, 1000),
        Outcome = span.Status == ActivityStatusCode.Error ? "error" : "ok",
        StartedAt = new DateTimeOffset(span.StartTimeUtc, TimeSpan.Zero),
        EndedAt = new DateTimeOffset(span.StartTimeUtc + span.Duration, TimeSpan.Zero),
        SpanId = span.SpanId.ToHexString(),
    });

    /// <summary>Takes the steps finished since the last call.</summary>
    public List<RunStep> Drain()
    {
        var steps = new List<RunStep>();
        while (_pending.TryDequeue(out var step))
        {
            steps.Add(step);
        }

        return steps;
    }

    /// <summary>Gives back steps whose write failed, for the next write to save.</summary>
    public void Requeue(IEnumerable<RunStep> steps)
    {
        foreach (var step in steps)
        {
            _pending.Enqueue(step);
        }
    }

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}

/// <summary>Listens to the Worker's spans and hands each finished one to its run's timeline.</summary>
public sealed class RunTimelineListener : IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName,
        // Recorded even when no exporter is configured: the timeline needs the spans either way.
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        ActivityStopped = span =>
        {
            for (var ancestor = span.Parent; ancestor is not null; ancestor = ancestor.Parent)
            {
                if (ancestor.GetCustomProperty(RunTimeline.PropertyName) is RunTimeline timeline)
                {
                    timeline.Add(span);
                    return;
                }
            }
        },
    };

    public RunTimelineListener() => ActivitySource.AddActivityListener(_listener);

    public void Dispose() => _listener.Dispose();
}
