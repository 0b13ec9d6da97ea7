using Onboarding.Worker.Jobs;

namespace Onboarding.Worker.Extensions;

public static class JobExtensions
{
    /// <summary>Registers the job runner; handlers are added with <see cref="AddJobHandler{THandler}"/>.</summary>
    public static IHostApplicationBuilder AddJobRunner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>()
            .BindConfiguration(JobOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.HeartbeatInterval * 2 <= o.LeaseDuration, "Jobs:HeartbeatInterval must be at most half of Jobs:LeaseDuration, so one missed heartbeat does not lose the lease.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay, "Jobs:PollInterval, RetryBaseDelay and RetryMaxDelay must be positive, the cap no less than the base.")
            .ValidateOnStart();

        builder.Services.AddSingleton<RunProgress>();
        builder.Services.AddSingleton<RunTimelineListener>();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService(services =>
        {
            // The listener must exist before the first run starts its spans.
            services.GetRequiredService<RunTimelineListener>();
            return services.GetRequiredService<JobRunner>();
        });
        return builder;
    }

    public static IHostApplicationBuilder AddJobHandler<THandler>(this IHostApplicationBuilder builder) where THandler : class, IJobHandler
    {
        builder.Services.AddSingleton<IJobHandler, THandler>();
        return builder;
    }
}
