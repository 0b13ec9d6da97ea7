using Onboarding.Data;
using Onboarding.Worker.Interviews;
using Onboarding.Worker.Sweeping;

namespace Onboarding.Worker.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddOnboardingDatabase();
        builder.AddRedisClientWithFallback("redis");

        builder.Services.AddOptions<SweeperOptions>()
            .BindConfiguration(SweeperOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ExpiredSessionSweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ExpiredSessionSweeper>());

        builder.AddEmailOutbox();
        builder.AddJobRunner();
        builder.AddScraping();
        builder.AddJobHandler<AnalysisJobHandler>();
        return builder;
    }
}
