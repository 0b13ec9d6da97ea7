using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Onboarding.Data;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>An org with one user, made directly in the database for tests that do not go through a claim.</summary>
public sealed record TestWorkspace(string OrgId, string UserId, string Email);

public static class Workspaces
{
    public static async Task<TestWorkspace> CreateAsync(OnboardingDbContext db, CancellationToken cancellationToken)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var session = new AgentSession
        {
            Id = Ids.NewSessionId(),
            OpenedAt = DateTimeOffset.UtcNow,
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(30),
            WriteTokenHash = new byte[32],
            HeadHash = new byte[32],
        };
        var org = new Data.Model.Org { Id = Ids.NewOrgId(), Slug = "ws-" + suffix, CreatedAt = DateTimeOffset.UtcNow, CreatedFromSessionId = session.Id };
        var user = new OrgUser { Id = Ids.NewUserId(), OrgId = org.Id, Email = $"founder@ws-{suffix}.example", CreatedAt = DateTimeOffset.UtcNow };
        db.AddRange(session, org, user);
        await db.SaveChangesAsync(cancellationToken);
        return new TestWorkspace(org.Id, user.Id, user.Email);
    }

    /// <summary>A Worker-like host against the test database: the given services only, no web server.</summary>
    public static IHost CreateWorkerHost(OnboardingApiFactory factory, Action<HostApplicationBuilder> configure, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:onboardingdb"] = factory.Infrastructure.PostgresConnectionString,
            ["ConnectionStrings:redis"] = factory.Infrastructure.RedisConnectionString,
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.ConfigureOpenTelemetry();
        builder.AddOnboardingDatabase();
        builder.AddRedisClientWithFallback("redis");
        builder.Services.AddSingleton(TimeProvider.System);
        configure(builder);
        return builder.Build();
    }
}
