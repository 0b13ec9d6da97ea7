using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Onboarding.AppHost.Hosting;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// Postgres and Redis alone, started by the AppHost's own resource code through Aspire.Hosting.Testing on free
/// loopback ports, with throwaway data (fsync off) and secrets of their own, and the database migrated.
/// </summary>
public sealed class LocalStores : IAsyncDisposable
{
    private readonly DirectoryInfo _data;
    private readonly DistributedApplication _app;

    private LocalStores(DirectoryInfo data, DistributedApplication app, string postgres, string redis)
    {
        _data = data;
        _app = app;
        PostgresConnectionString = postgres;
        RedisConnectionString = redis;
    }

    public string PostgresConnectionString { get; }

    public string RedisConnectionString { get; }

    /// <summary>The key the Api signs with and the Worker opens sealed links with.</summary>
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static async Task<LocalStores> StartAsync(CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("onboarding-tests-");
        // As root, the postgres user must be able to reach the data directory.
        File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        string[] secrets =
        [
            $"Parameters:postgres-password={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}",
            $"Parameters:redis-password={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}",
        ];
        // The AppHost's assembly says where the orchestrator is; its resource graph is not used.
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = secrets,
            AssemblyName = typeof(PostgresServerResource).Assembly.GetName().Name,
            DisableDashboard = true,
        });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.Configure<ResourceNotificationServiceOptions>(wait => wait.DefaultWaitBehavior = WaitBehavior.StopOnResourceUnavailable);
        builder.AddPostgresServer("postgres", Path.Combine(data.FullName, "postgres"), port: null, durable: false).AddDatabase("onboardingdb");
        builder.AddRedisServer("redis", Path.Combine(data.FullName, "redis"), port: null, durable: false);

        var app = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("onboardingdb", timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", timeout.Token);
            var postgres = await app.GetConnectionStringAsync("onboardingdb", timeout.Token) ?? throw new InvalidOperationException("No database.");
            var redis = await app.GetConnectionStringAsync("redis", timeout.Token) ?? throw new InvalidOperationException("No Redis.");
            await Onboarding.Data.Extensions.MigrateOnboardingDatabaseAsync(postgres, timeout.Token);
            return new LocalStores(data, app, postgres, redis);
        }
        catch
        {
            await app.DisposeAsync();
            data.Delete(recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
