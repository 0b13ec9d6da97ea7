using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.FluentUI.AspNetCore.Components;
using Onboarding.Web.Dashboard;
using Onboarding.Web.Infrastructure;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Polly;
using StackExchange.Redis;

namespace Onboarding.Web.Extensions;

public static class Extensions
{
    /// <summary>Where the shared Data Protection key ring lives in Redis.</summary>
    public const string DataProtectionKeysKey = "onboarding:dataprotection-keys";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClientWithFallback("redis");

        // Several Web instances share one key ring, so any of them can read the others' antiforgery tokens and circuits.
        builder.Services.AddDataProtection().SetApplicationName("Onboarding");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IConnectionMultiplexer, ILoggerFactory>((options, redis, loggers) =>
                options.XmlRepository = new FallbackXmlRepository(
                    new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeysKey),
                    loggers.CreateLogger<FallbackXmlRepository>()));

        // Service discovery resolves "api" from services__api__http__0 (set by the AppHost), preferring https.
        builder.Services.AddHttpClient<OnboardingApiClient>(client => client.BaseAddress = new("https+http://api"));
        builder.Services.AddClaimConfirmationClient();
        builder.Services.AddHttpClient<WorkspaceApiClient>(client => client.BaseAddress = new("https+http://api"));
        builder.Services.AddInterviewClient();
        builder.Services.AddDashboardSignIn();

        // A tab that closes sends Blazor's disconnect beacon and its circuit ends at once; one that vanishes without it
        // (a crash, a lost network) is kept for a reconnect for 45 s, not the default three minutes, so what it holds
        // (a viewer's window, its Redis subscription) is given back within a minute either way (ClosedCircuitMemory
        // collects 5 s after the last close).
        builder.Services.AddRazorComponents().AddInteractiveServerComponents(options => options.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(45));
        builder.Services.AddSingleton<CircuitHandler, ClosedCircuitMemory>();
        builder.Services.AddFluentUIComponents();

        builder.Services.AddOptions<AspireDashboardOptions>().BindConfiguration(AspireDashboardOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ISessionUpdates, SessionUpdates>();
        return builder;
    }

    /// <summary>How long a streamed interview reply may take (a model writing) before the page offers to send again.</summary>
    public static readonly TimeSpan InterviewReplyTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Registers <see cref="InterviewApiClient"/>: no retries (saves are idempotent by message id, the page retries them itself) and room for a streamed reply.</summary>
    public static IHttpClientBuilder AddInterviewClient(this IServiceCollection services)
    {
        var client = services.AddHttpClient<InterviewApiClient>(client => client.BaseAddress = new("https+http://api"));
#pragma warning disable EXTEXP0001 // Marked "for evaluation"; it is the documented way to drop the default handler for one client.
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddResilienceHandler("interview", pipeline => pipeline.AddTimeout(InterviewReplyTimeout));
        return client;
    }

    /// <summary>How long the claim confirmation may take before the page says the Api did not answer.</summary>
    public static readonly TimeSpan ClaimConfirmationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Registers <see cref="ClaimConfirmationClient"/>: the Api's address, a timeout, and no retry.</summary>
    public static IHttpClientBuilder AddClaimConfirmationClient(this IServiceCollection services)
    {
        var client = services.AddHttpClient<ClaimConfirmationClient>(client => client.BaseAddress = new("https+http://api"));
#pragma warning disable EXTEXP0001 // Marked "for evaluation"; it is the documented way to drop the default handler for one client.
        // No retry: if a first confirm's answer is lost, a retry gets 409 already_confirmed and the key is never shown.
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddResilienceHandler("claim-confirmation", pipeline => pipeline.AddTimeout(ClaimConfirmationTimeout));
        return client;
    }
}
