using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;
using Onboarding.Worker.Generation;
using Onboarding.Worker.Generation.Model;

namespace Onboarding.Worker.Extensions;

public static class GenerationExtensions
{
    /// <summary>The named <see cref="HttpClient"/> that carries model requests.</summary>
    public const string HttpClientName = "generation";

    /// <summary>The key of the <see cref="IChatClient"/> context generation uses (keyed, so other features may bring their own).</summary>
    public const string ChatClientKey = "generation";

    // The OpenAI client insists on a credential; local OpenAI-compatible servers without keys ignore this one.
    private const string NoApiKey = "none";

    /// <summary>
    /// Registers <see cref="IContextGenerator"/>: the offline extractor, or, when <c>Generation:Endpoint</c> is set, a
    /// chat model (any OpenAI-compatible API) for which the offline extractor stands in whenever it fails.
    /// </summary>
    public static IHostApplicationBuilder AddContextGeneration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GenerationOptions>()
            .BindConfiguration(GenerationOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => !o.UsesModel || o.EndpointUri is not null, "Generation:Endpoint must be an absolute http or https URI.")
            .Validate(o => !o.UsesModel || !string.IsNullOrWhiteSpace(o.Model), "Generation:Model is required when Generation:Endpoint is set.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Generation:Timeout must be positive.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton<IContextGenerator, ContextGenerator>();

        var configured = builder.Configuration.GetSection(GenerationOptions.SectionName).Get<GenerationOptions>() ?? new GenerationOptions();
        if (!configured.UsesModel)
        {
            return builder;
        }

        // EXTEXP0001: RemoveAllResilienceHandlers is marked experimental; it is the documented way to take the
        // defaults' handler off one client, and a change to it would show up here at build time.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            // The standard handler's 30 s total timeout would cut a model's answer short, and its retries would
            // hide behind the model client's own (Generation:MaxRetries within Generation:Timeout), which decide here.
            .RemoveAllResilienceHandlers()
            // The chat client is a singleton that keeps this client, so connections are recycled here instead.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
#pragma warning restore EXTEXP0001

        builder.Services.AddKeyedChatClient(ChatClientKey, CreateChatClient)
            // Spans for each model call under the generation's own; prompts and answers stay out of them.
            .UseOpenTelemetry(sourceName: Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName, configure: telemetry => telemetry.EnableSensitiveData = false);
        builder.Services.TryAddSingleton(services => new ModelContextGenerator(
            services.GetRequiredKeyedService<IChatClient>(ChatClientKey),
            services.GetRequiredService<IOptions<GenerationOptions>>()));
        return builder;
    }

    private static IChatClient CreateChatClient(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<GenerationOptions>>().Value;
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        var client = new OpenAIClient(
            new ApiKeyCredential(string.IsNullOrWhiteSpace(settings.ApiKey) ? NoApiKey : settings.ApiKey),
            new OpenAIClientOptions
            {
                Endpoint = settings.EndpointUri,
                Transport = new HttpClientPipelineTransport(http),
                RetryPolicy = new ClientRetryPolicy(settings.MaxRetries),
                NetworkTimeout = settings.Timeout,
            });
        return client.GetChatClient(settings.Model).AsIChatClient();
    }
}
