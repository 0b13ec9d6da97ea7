using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Aspire's Redis client integration, with the one difference every Onboarding service needs.</summary>
public static class RedisExtensions
{
    /// <summary>
    /// Registers one shared <see cref="IConnectionMultiplexer"/> for <c>ConnectionStrings:{connectionName}</c> with
    /// Aspire's <c>AddRedisClient</c> (traces, logging). It does not abort when Redis is down at start, and its health
    /// check reports Degraded rather than Unhealthy: every use of Redis in Onboarding has a fallback, so a service
    /// without Redis still serves and must not be taken out of rotation.
    /// </summary>
    public static TBuilder AddRedisClientWithFallback<TBuilder>(this TBuilder builder, string connectionName) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(
            connectionName,
            settings => settings.DisableHealthChecks = true,
            options =>
            {
                options.AbortOnConnectFail = false;
                options.ClientName ??= builder.Environment.ApplicationName;
            });
        // The client's own connection chatter (every reconnect, at Information) stays out; its warnings and errors stay in.
        builder.Logging.AddFilter("StackExchange.Redis", LogLevel.Warning);
        builder.Services.AddHealthChecks().AddRedis(
            services => services.GetRequiredService<IConnectionMultiplexer>(),
            name: connectionName,
            failureStatus: HealthStatus.Degraded);
        return builder;
    }
}
