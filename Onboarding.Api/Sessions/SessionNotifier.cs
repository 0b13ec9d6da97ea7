using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace Onboarding.Api.Sessions;

/// <summary>
/// Tells live viewers that a session has new events, after the commit. A lost message costs nothing:
/// viewers catch up by sequence number and poll when Redis is away.
/// </summary>
public sealed class SessionNotifier(IConnectionMultiplexer redis, IMeterFactory meters, ILogger<SessionNotifier> logger)
{
    private readonly Counter<long> _failures = meters.Create(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName)
        .CreateCounter<long>("onboarding.session_notifications.failed", description: "Notifications not handed to Redis");

    public async Task PublishAsync(string sessionId, long lastSeq)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannels.Session(sessionId), lastSeq, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            _failures.Add(1);
            logger.LogWarning(e, "Could not notify viewers of session {SessionId} at seq {Seq}; they will catch up by polling", sessionId, lastSeq);
        }
    }
}
