using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace Onboarding.Worker.Jobs;

/// <summary>
/// Tells live views that a run changed, after the commit: the run's own channel (the status stream) and its org's
/// workspace channel (the dashboard's home). A lost message costs a view one update, which the next one brings.
/// </summary>
public sealed class RunProgress(IConnectionMultiplexer redis, ILogger<RunProgress> logger)
{
    private static readonly Counter<long> Failures = new Meter(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName)
        .CreateCounter<long>("onboarding.run_notifications.failed", description: "Run progress notifications not handed to Redis");

    public async Task PublishAsync(string runId, string orgId)
    {
        if (!redis.IsConnected)
        {
            Failures.Add(1);
            return;
        }

        try
        {
            var subscriber = redis.GetSubscriber();
            await subscriber.PublishAsync(RedisChannels.Run(runId), runId, CommandFlags.FireAndForget);
            await subscriber.PublishAsync(RedisChannels.Workspace(orgId), runId, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            Failures.Add(1);
            logger.LogWarning(e, "Could not announce progress of run {RunId}; live views will see it when they poll", runId);
        }
    }
}
