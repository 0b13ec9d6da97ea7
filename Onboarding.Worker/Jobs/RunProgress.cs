using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace Onboarding.Worker.Jobs;

/// <summary>
/// Tells live views (the status stream, the dashboard) that a run changed, after the commit. A lost message costs
/// nothing: they re-read the run and also poll.
/// </summary>
public sealed class RunProgress(IConnectionMultiplexer redis, ILogger<RunProgress> logger)
{
    private static readonly Counter<long> Failures = new Meter(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName)
        .CreateCounter<long>("onboarding.run_notifications.failed", description: "Run progress notifications not handed to Redis");

    public async Task PublishAsync(string runId)
    {
        if (!redis.IsConnected)
        {
            Failures.Add(1);
            return;
        }

        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannels.Run(runId), runId, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            Failures.Add(1);
            logger.LogWarning(e, "Could not announce progress of run {RunId}; live views will see it when they poll", runId);
        }
    }
}
