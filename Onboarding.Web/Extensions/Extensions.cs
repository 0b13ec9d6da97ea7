using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.FluentUI.AspNetCore.Components;
using Onboarding.Web.Infrastructure;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using StackExchange.Redis;

namespace Onboarding.Web.Extensions;

public static class Extensions
{
    /// <summary>Where the shared Data Protection key ring lives in Redis.</summary>
    public const string DataProtectionKeysKey = "onboarding:dataprotection-keys";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");

        // Several Web instances share one key ring, so any of them can read the others' antiforgery tokens and circuits.
        builder.Services.AddDataProtection().SetApplicationName("Onboarding");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IConnectionMultiplexer, ILoggerFactory>((options, redis, loggers) =>
                options.XmlRepository = new FallbackXmlRepository(
                    new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeysKey),
                    loggers.CreateLogger<FallbackXmlRepository>()));

        // Service discovery resolves "api" from services__api__http__0 (set by the AppHost), preferring https.
        builder.Services.AddHttpClient<OnboardingApiClient>(client => client.BaseAddress = new("https+http://api"));

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ISessionUpdates, SessionUpdates>();
        return builder;
    }
}
