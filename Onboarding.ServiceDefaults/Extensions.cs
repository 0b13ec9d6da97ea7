using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Polly;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The cross-cutting defaults every Onboarding service shares: OpenTelemetry, health checks,
/// service discovery and HTTP resilience, in the shape of Aspire's ServiceDefaults template.
/// </summary>
public static class Extensions
{
    /// <summary>Liveness and readiness endpoint: every registered health check must pass.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Liveness endpoint: only checks tagged <see cref="LiveTag"/> run.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// How long a service may take to stop. The AppHost's orchestrator gives up on a process about ten seconds after
    /// asking it to stop, and an open connection (a Blazor circuit's WebSocket) would otherwise hold Kestrel for 30 s.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The tag a health check carries to take part in <see cref="AlivenessEndpointPath"/>.</summary>
    public const string LiveTag = "live";

    /// <summary>Activity sources and meters of the Onboarding services themselves.</summary>
    public const string TelemetrySourceName = "Onboarding";

    /// <summary>Adds OpenTelemetry, the default health checks, service discovery and resilient HTTP clients.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.KeepQueryStringsOutOfTelemetry();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddOnboardingResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// The standard resilience handler as every Onboarding client has it, but for what it must not retry: a POST that
    /// timed out may have been applied (retrying it is the caller's decision, with an idempotency key), and a 429 is
    /// final (the server answered; retrying a rate limit multiplies the load it limits, and it is no sign of a broken
    /// server, so it does not count towards opening the circuit either).
    /// </summary>
    public static IHttpStandardResiliencePipelineBuilder AddOnboardingResilienceHandler(this IHttpClientBuilder http) =>
        http.AddStandardResilienceHandler(resilience =>
        {
            resilience.Retry.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
            resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
            // Wraps the predicate above, so it comes after it.
            resilience.Retry.DisableForUnsafeHttpMethods();
        });

    private static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome) && outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests;

    /// <summary>
    /// Capability tokens travel in query strings (<c>?t=</c> on view and claim links). The host's request lines log the
    /// full URL at Information, and an Aspire AppHost turns OpenTelemetry's redaction of URL queries off for its
    /// dashboard. Both are pinned in code, so neither a log level raised for debugging nor the AppHost's environment
    /// puts a token into logs or traces; request traces keep the path with the query redacted.
    /// </summary>
    public static TBuilder KeepQueryStringsOutOfTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Configuration["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "false";
        builder.Configuration["OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION"] = "false";
        return builder;
    }

    /// <summary>Adds logging, metrics and tracing; exports over OTLP only when an endpoint is configured.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetrySourceName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, TelemetrySourceName)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every few seconds would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation()
                .AddProcessor(new RunIdPropagation()));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Adds a liveness check so <see cref="AlivenessEndpointPath"/> answers while the process is responsive.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>Maps <see cref="HealthEndpointPath"/> (all checks) and <see cref="AlivenessEndpointPath"/> (live checks only).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
        });
        return app;
    }
}
