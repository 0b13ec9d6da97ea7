using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Onboarding.Data;
using Onboarding.Worker.Extensions;
using Onboarding.Worker.Jobs;

namespace Onboarding.Bench;

/// <summary>
/// The queue burn-down's worker: the Worker's own job runner (pick-up with SKIP LOCKED, lease, fencing, the completing
/// write with the run's timeline, the progress announcement, its log lines) in a process of its own, as the Worker
/// runs, with a single handler that does nothing. It lives here so that production has no no-op job kind.
/// Started as <c>Onboarding.Bench noop-worker</c> with the Worker's connection strings in its environment.
/// </summary>
public static class NoOpWorker
{
    public const string Command = "noop-worker";
    public const string Kind = "bench.noop";

    /// <summary>Printed once the runner is running; the bench waits for it.</summary>
    public const string ReadyLine = "noop-worker: running";

    public static async Task<int> RunAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        // Logged like the Worker (appsettings.json): its own lines at Information, the frameworks' at Warning.
        builder.Logging
            .AddSimpleConsole(console => (console.SingleLine, console.ColorBehavior) = (true, LoggerColorBehavior.Disabled))
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Npgsql", LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddOnboardingDatabase();
        builder.AddRedisClientWithFallback("redis");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddJobRunner();
        builder.AddJobHandler<NoOpJob>();
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine(ReadyLine);
        await host.WaitForShutdownAsync();
        return 0;
    }

    private sealed class NoOpJob : IJobHandler
    {
        public string Kind => NoOpWorker.Kind;

        public Task RunAsync(JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
