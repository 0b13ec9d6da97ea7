using Onboarding.Data;
using Onboarding.Worker.Migrating;

namespace Onboarding.Worker.Extensions;

public static class MigrationExtensions
{
    /// <summary>The <c>migrate</c> mode's services: the database and the one-shot <see cref="DatabaseMigrator"/>.</summary>
    public static IHostApplicationBuilder AddDatabaseMigrator(this IHostApplicationBuilder builder)
    {
        builder.AddOnboardingDatabase();
        builder.Services.AddHostedService<DatabaseMigrator>();
        return builder;
    }
}
