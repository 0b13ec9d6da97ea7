using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Onboarding.Data.Infrastructure;

namespace Onboarding.Data;

public static class Extensions
{
    /// <summary>The Aspire resource name of the database; its connection string is <c>ConnectionStrings:onboardingdb</c>.</summary>
    public const string ConnectionName = "onboardingdb";

    /// <summary>
    /// Registers one pooled <see cref="NpgsqlDataSource"/> (traced and metered as "Npgsql"), the
    /// <see cref="OnboardingDbContext"/> on top of it, and a readiness check that reaches the database.
    /// </summary>
    public static IHostApplicationBuilder AddOnboardingDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set. Start the system with the AppHost, or set ConnectionStrings__{ConnectionName}.");

        builder.Services.AddNpgsqlDataSource(connectionString, dataSource =>
        {
            // Statements a service runs again and again (the append, the queue's claim) are prepared once per connection
            // instead of parsed and planned on every call, unless the connection string says otherwise.
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
            }
        });
        builder.Services.AddDbContextPool<OnboardingDbContext>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>()).UseSnakeCaseNamingConvention());
        builder.Services.AddHealthChecks().AddDbContextCheck<OnboardingDbContext>("postgres");
        return builder;
    }

    /// <summary>
    /// Applies pending migrations, creating the database if needed. EF Core takes a database lock
    /// while migrating, so concurrent callers apply each migration once.
    /// </summary>
    public static async Task MigrateOnboardingDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        // A one-off: no pooled connection should stay open after it.
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using var context = DesignTimeDbContextFactory.Create(unpooled);
        await context.Database.MigrateAsync(cancellationToken);
    }
}
