using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Onboarding.Api.Apis;
using Onboarding.AppHost.Hosting;

[assembly: AssemblyFixture(typeof(Onboarding.IntegrationTests.Infrastructure.OnboardingApiFactory))]

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// The real Api, in process, against real Postgres and Redis processes that the AppHost's own composition
/// starts (infrastructure only) on free loopback ports with throwaway data. One per test assembly.
/// </summary>
public sealed class OnboardingApiFactory : WebApplicationFactory<SessionServices>, IAsyncLifetime
{
    public const string PublicWebUrl = "http://127.0.0.1:5999";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("onboarding-tests-");
    private readonly List<string> _infrastructureLog = [];

    public DistributedApplication Infrastructure { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // When the tests run as root, the postgres user must be able to reach the data directory.
        File.SetUnixFileMode(_data.FullName, (UnixFileMode)0b111_101_101);
        Infrastructure = new DistributedApplication(
            new AppHostOptions { DataDirectory = _data.FullName, Ephemeral = true, StartServices = false, PostgresPort = 0, RedisPort = 0 },
            (resource, line) => { lock (_infrastructureLog) { _infrastructureLog.Add($"{resource} | {line}"); } });
        try
        {
            await Infrastructure.StartAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Postgres and Redis did not start: {e.Message}\n{string.Join('\n', _infrastructureLog)}", e);
        }
    }

    /// <summary>The same Api with its clock replaced, for expiry tests.</summary>
    public WebApplicationFactory<SessionServices> WithTime(TimeProvider time) =>
        WithWebHostBuilder(builder => builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(time))));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:onboardingdb", Infrastructure.PostgresConnectionString);
        builder.UseSetting("ConnectionStrings:redis", Infrastructure.RedisConnectionString);
        builder.UseSetting("Tokens:SigningKey", Infrastructure.SigningKey);
        builder.UseSetting("Onboarding:PublicWebUrl", PublicWebUrl);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Infrastructure.StopAsync();
        _data.Delete(recursive: true);
    }
}
