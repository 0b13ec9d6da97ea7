using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace Onboarding.Worker.Jobs;

/// <summary>
/// Tells live views that a run changed, after the commit: the run's own channel (the status stream, the run's page)
/// and, when the home shows what changed, its org's workspace channel. A lost message costs a view one update, which
/// the next one brings.
/// </summary>
public sealed class RunProgress(IConnectionMultiplexer redis, ILogger<RunProgress> logger)
{
    private static readonly Counter<long> Failures = new Meter(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName)
        .CreateCounter<long>("onboarding.run_notifications.failed", description: "Run progress notifications not handed to Redis");

    /// <summary>The run's state or output changed: its own channel and its org's workspace channel.</summary>
    public Task PublishAsync(string runId, string orgId) => PublishAsync(runId, RedisChannels.Run(runId), RedisChannels.Workspace(orgId));

    /// <summary>Only the run's timeline changed (steps saved after it finished): the home shows no steps.</summary>
    public Task PublishStepsAsync(string runId) => PublishAsync(runId, RedisChannels.Run(runId));

    private async Task PublishAsync(string runId, params RedisChannel[] channels)
    {
        if (!redis.IsConnected)
        {
            Failures.Add(1);
            return;
        }

        try
        {
            var subscriber = redis.GetSubscriber();
            foreach (var channel in channels)
            {
                await subscriber.PublishAsync(channel, runId, CommandFlags.FireAndForget);
            }
        }
        catch (RedisException e)
        {
            Failures.Add(1);
            logger.LogWarning(e, "Could not announce progress of run {RunId}; live views will see it when they poll", runId);
        }
    }
}
