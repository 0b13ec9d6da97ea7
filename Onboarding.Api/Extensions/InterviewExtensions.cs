using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Interviews;

namespace Onboarding.Api.Extensions;

public static class InterviewExtensions
{
    private const string ChatClientKey = "interview";

    // The OpenAI client insists on a credential; local OpenAI-compatible servers without keys ignore this one.
    private const string NoApiKey = "none";

    /// <summary>The interview's lifecycle and its interviewer: offline, or a chat model when <c>Interview:Endpoint</c> is set.</summary>
    public static IHostApplicationBuilder AddInterviews(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InterviewOptions>()
            .BindConfiguration(InterviewOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => !o.UsesModel || o.EndpointUri is not null, "Interview:Endpoint must be an absolute http or https URI.")
            .Validate(o => !o.UsesModel || !string.IsNullOrWhiteSpace(o.Model), "Interview:Model is required when Interview:Endpoint is set.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Interview:Timeout must be positive.")
            .ValidateOnStart();
        builder.Services.AddScoped<InterviewStore>();
        builder.Services.AddScoped<InterviewLifecycle>();
        builder.Services.AddScoped<InterviewChat>();
        builder.Services.AddScoped<InterviewCompletion>();
        builder.Services.AddSingleton<InterviewReplies>();
        builder.Services.AddSingleton<IErrorSurface, InterviewErrorSurface>();
        foreach (var shape in InterviewErrors.Shapes)
        {
            builder.Services.AddSingleton(shape);
        }

        var configured = builder.Configuration.GetSection(InterviewOptions.SectionName).Get<InterviewOptions>() ?? new InterviewOptions();
        if (!configured.UsesModel)
        {
            builder.Services.AddSingleton<IInterviewer, OfflineInterviewer>();
            return builder;
        }

        // EXTEXP0001: the documented way to take the defaults' resilience handler off one client: a streamed reply
        // must not be cut by its 30 s total timeout, and the model client's own retries decide here.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(ChatClientKey, http => http.Timeout = Timeout.InfiniteTimeSpan).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddKeyedChatClient(ChatClientKey, services =>
            {
                var settings = services.GetRequiredService<IOptions<InterviewOptions>>().Value;
                var client = new OpenAIClient(
                    new ApiKeyCredential(string.IsNullOrWhiteSpace(settings.ApiKey) ? NoApiKey : settings.ApiKey),
                    new OpenAIClientOptions
                    {
                        Endpoint = settings.EndpointUri,
                        Transport = new HttpClientPipelineTransport(services.GetRequiredService<IHttpClientFactory>().CreateClient(ChatClientKey)),
                        RetryPolicy = new ClientRetryPolicy(settings.MaxRetries),
                        NetworkTimeout = settings.Timeout,
                    });
                return client.GetChatClient(settings.Model).AsIChatClient();
            })
            // Spans for each model call; the founder's words stay out of them.
            .UseOpenTelemetry(sourceName: Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName, configure: t => t.EnableSensitiveData = false);
        builder.Services.AddSingleton<IInterviewer>(services => new ModelInterviewer(
            services.GetRequiredKeyedService<IChatClient>(ChatClientKey), services.GetRequiredService<ILogger<ModelInterviewer>>()));
        return builder;
    }
}
