using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Onboarding.Data.Infrastructure;

/// <summary>Builds the context outside dependency injection: for <c>dotnet ef</c> and for applying migrations.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<OnboardingDbContext>
{
    public OnboardingDbContext CreateDbContext(string[] args) =>
        Create("Host=127.0.0.1;Database=onboardingdb;Username=postgres");

    public static OnboardingDbContext Create(string connectionString) =>
        new(new DbContextOptionsBuilder<OnboardingDbContext>()
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            .Options);
}
