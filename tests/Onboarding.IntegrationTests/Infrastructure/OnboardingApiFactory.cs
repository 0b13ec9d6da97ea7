using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Onboarding.Api.Apis;

[assembly: AssemblyFixture(typeof(Onboarding.IntegrationTests.Infrastructure.OnboardingApiFactory))]

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// The real Api, in process, against real Postgres and Redis processes that the AppHost's own resources start
/// (<see cref="LocalStores"/>). One per test assembly.
/// </summary>
public sealed class OnboardingApiFactory : WebApplicationFactory<SessionServices>, IAsyncLifetime
{
    public const string PublicWebUrl = "http://127.0.0.1:5999";

    public LocalStores Infrastructure { get; private set; } = null!;

    /// <summary>Everything the Api logged: our own categories at every level, the others at the configured ones.</summary>
    public LogCapture Logs { get; } = new();

    public async ValueTask InitializeAsync() => Infrastructure = await LocalStores.StartAsync(TestContext.Current.CancellationToken);

    /// <summary>Sent by tests to act as a given client address (the in-memory server has none).</summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    /// <summary>The same Api with some settings changed.</summary>
    public WebApplicationFactory<SessionServices> WithSettings(params (string Key, string Value)[] settings) =>
        WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

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
        // Every test shares one address and one Redis; the rate-limit tests set their own limits and addresses.
        foreach (var limit in new[] { "LookupPerIp", "ClaimPerIp", "ClaimPerEmail", "ClaimLinkPerIp", "AppendPerIp", "ApiPerKey", "ScrapePerUser" })
        {
            builder.UseSetting($"RateLimits:{limit}:Limit", "1000000");
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<LogCapture>("Onboarding", LogLevel.Trace));
        // The logs are kept in Logs; on the console they would bury a failing test's message in CI's output.
        builder.UseSetting("Logging:Console:LogLevel:Default", "None");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}

/// <summary>Gives each request the address named in <see cref="OnboardingApiFactory.ClientAddressHeader"/>.</summary>
internal sealed class ClientAddressFromHeader : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (System.Net.IPAddress.TryParse(context.Request.Headers[OnboardingApiFactory.ClientAddressHeader], out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
