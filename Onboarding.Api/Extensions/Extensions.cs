using Microsoft.AspNetCore.Authentication;
using Onboarding.Api.Authentication;
using Onboarding.Api.Claims;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Infrastructure.OpenApi;
using Onboarding.Api.Sessions;
using Onboarding.Api.Workspaces;
using Onboarding.Data;

namespace Onboarding.Api.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddOnboardingDatabase();
        builder.AddRedisClientWithFallback("redis");

        builder.Services.AddOptions<AgentSessionOptions>()
            .BindConfiguration(AgentSessionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<TokenSigningOptions>()
            .BindConfiguration(TokenSigningOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => ViewTokens.IsValidKey(o.SigningKey) && o.PreviousSigningKeys.All(ViewTokens.IsValidKey),
                "Tokens:SigningKey (and any Tokens:PreviousSigningKeys) must be base64 of at least 32 random bytes.")
            .ValidateOnStart();

        // Bad route or query values surface as exceptions so ErrorHandling answers them in the envelope.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi(options => options.AddOnboardingDocument());
        builder.Services.AddSingleton(ErrorShape.Envelope);
        builder.Services.AddSingleton(new ErrorShape(typeof(RegenerateRefusal), "code", ["rate_limited"]));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ViewTokens>();
        builder.Services.AddSingleton<SessionNotifier>();
        builder.Services.AddSingleton<AppendCommitter>();
        builder.Services.AddScoped<Idempotency>();
        builder.Services.AddScoped<SessionService>();

        builder.Services.AddOptions<ClaimOptions>().BindConfiguration(ClaimOptions.SectionName);
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName);
        builder.Services.AddSingleton<RateLimiter>();
        builder.AddLinkSealer();
        builder.Services.AddScoped<ClaimDelivery>();
        builder.Services.AddScoped<ClaimService>();
        builder.Services.AddScoped<ScrapeService>();
        builder.Services.AddScoped<Runs>();
        builder.Services.AddScoped<StatusFollower>();
        builder.Services.AddScoped<ContextService>();
        builder.Services.AddScoped<AgentSessionService>();
        builder.Services.AddScoped<ContextVersions>();
        builder.AddInterviews();

        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ApiKeyCache>());
        builder.Services.AddAuthentication(ApiKeyClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyClaims.Scheme, null);
        builder.Services.AddAuthorization();
        return builder;
    }
}
