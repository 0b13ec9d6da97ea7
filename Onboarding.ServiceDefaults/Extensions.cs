using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The cross-cutting defaults every Onboarding service shares: OpenTelemetry, health checks,
/// service discovery and HTTP resilience. Shaped like Aspire's ServiceDefaults template so an
/// Aspire AppHost could host the services unchanged.
/// </summary>
public static class Extensions
{
    /// <summary>Liveness and readiness endpoint: every registered health check must pass.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Liveness endpoint: only checks tagged <see cref="LiveTag"/> run.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>The tag a health check carries to take part in <see cref="AlivenessEndpointPath"/>.</summary>
    public const string LiveTag = "live";

    /// <summary>Activity sources and meters of the Onboarding services themselves.</summary>
    public const string TelemetrySourceName = "Onboarding";

    /// <summary>Adds OpenTelemetry, the default health checks, service discovery and resilient HTTP clients.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.KeepRequestUrlsOutOfLogs();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // A POST that timed out may have been applied: retrying it is the caller's decision (with an idempotency key), not the pipeline's.
            http.AddStandardResilienceHandler(resilience => resilience.Retry.DisableForUnsafeHttpMethods());
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Capability tokens travel in query strings (seed 004's <c>?t=</c>), and the host's request lines log the
    /// full URL at Information. Pinned in code, so turning logging up for debugging never writes tokens to the
    /// logs; request traces record the same facts with the query redacted.
    /// </summary>
    public static TBuilder KeepRequestUrlsOutOfLogs<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
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
                .AddMeter(TelemetrySourceName, "Npgsql"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, TelemetrySourceName, "Npgsql")
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
