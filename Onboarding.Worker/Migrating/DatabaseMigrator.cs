using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;

namespace Onboarding.Worker.Migrating;

/// <summary>
/// The Worker's <c>migrate</c> mode: applies pending migrations once and stops the process, with exit code 1 if
/// they failed. The AppHost runs it as the <c>migrations</c> resource, which every service waits to complete.
/// </summary>
public sealed class DatabaseMigrator(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<DatabaseMigrator> logger) : BackgroundService
{
    public const string Command = "migrate";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = RunTelemetry.Source.StartActivity("migrate database");
        try
        {
            await using var scope = services.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<OnboardingDbContext>().Database;
            // MigrateAsync looks for the history table before reading it; asking for pending migrations first would not.
            await database.MigrateAsync(stoppingToken);
            var applied = await database.GetAppliedMigrationsAsync(stoppingToken);
            logger.LogInformation("Database is up to date at {Migration}.", applied.LastOrDefault());
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            activity?.AddException(e).SetStatus(ActivityStatusCode.Error);
            logger.LogError(e, "Migrating the database failed.");
            Environment.ExitCode = 1;
        }

        lifetime.StopApplication();
    }
}
