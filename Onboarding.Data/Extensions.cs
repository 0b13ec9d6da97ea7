using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Security;

namespace Onboarding.Data;

public static class Extensions
{
    /// <summary>The Aspire resource name of the database; its connection string is <c>ConnectionStrings:onboardingdb</c>.</summary>
    public const string ConnectionName = "onboardingdb";

    /// <summary>The signing key (base64) every Api and Worker instance shares, and the keys being rotated out.</summary>
    public const string SigningKeyName = "Tokens:SigningKey";
    public const string PreviousSigningKeysName = "Tokens:PreviousSigningKeys";

    /// <summary>
    /// The <see cref="LinkSealer"/> of the email outbox, from the shared signing key: the Api seals claim links with it and
    /// the Worker opens them; links sealed under a key being rotated out still open.
    /// </summary>
    public static IHostApplicationBuilder AddLinkSealer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var key = configuration[SigningKeyName];
            return string.IsNullOrWhiteSpace(key)
                ? throw new InvalidOperationException($"{SigningKeyName} is not set: the Api seals claim links under it and the Worker opens them.")
                : LinkSealer.FromBase64Key(key, configuration.GetSection(PreviousSigningKeysName).Get<string[]>() ?? []);
        });
        return builder;
    }

    /// <summary>
    /// Registers one pooled <see cref="NpgsqlDataSource"/> through Aspire's Npgsql integration (health check, traces and
    /// metrics), and the <see cref="OnboardingDbContext"/> on top of it through Aspire's EF Core integration, so EF and the
    /// hand-written SQL (appends, the job queue) share one pool.
    /// </summary>
    public static IHostApplicationBuilder AddOnboardingDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ConnectionName, configureDataSourceBuilder: dataSource =>
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
        builder.EnrichNpgsqlDbContext<OnboardingDbContext>(settings =>
        {
            // Writes run in explicit transactions that a retrying strategy would refuse; a lost connection is answered as such.
            settings.DisableRetry = true;
            // The data source's check already reaches the database.
            settings.DisableHealthChecks = true;
        });
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
