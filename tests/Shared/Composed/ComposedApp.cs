using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Onboarding.AppHost.Hosting;

namespace Onboarding.Testing;

/// <summary>
/// The AppHost's resource graph (Postgres, Redis, migrations, Api, Worker, Web) started through Aspire.Hosting.Testing,
/// exactly as <c>dotnet run --project Onboarding.AppHost</c> composes it, on free loopback ports with a throwaway data
/// directory and secrets of its own. Every wait is bounded. Faults are injected through the orchestrator's own
/// resource commands and the instances' process ids.
/// </summary>
public sealed class ComposedApp : IAsyncDisposable
{
    public static readonly string[] Services = ["api", "worker", "web"];

    private const string DashboardResource = "aspire-dashboard";

    private static readonly TimeSpan InstanceTimeout = TimeSpan.FromSeconds(90);

    private readonly DirectoryInfo _data;
    private readonly ConcurrentDictionary<string, ResourceEvent> _instances = new();
    private readonly ConcurrentDictionary<string, Task> _logWatches = new();
    private readonly List<string> _log = [];
    private readonly CancellationTokenSource _stopping = new();
    private DistributedApplication? _app;

    private ComposedApp(DirectoryInfo data, ComposedAppOptions options)
    {
        _data = data;
        Options = options;
    }

    public ComposedAppOptions Options { get; }

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>The Api as clients reach it (through the orchestrator's proxy), without a trailing slash.</summary>
    public string ApiUrl { get; private set; } = "";

    /// <summary>The Web as browsers reach it (through the orchestrator's proxy), without a trailing slash.</summary>
    public string WebUrl { get; private set; } = "";

    /// <summary>The Aspire dashboard's address, when <see cref="ComposedAppOptions.Dashboard"/> is on.</summary>
    public Uri? DashboardUrl { get; private set; }

    /// <summary>A link that signs a browser in to the dashboard.</summary>
    public Uri? DashboardLoginUrl => DashboardUrl is null ? null : new Uri(DashboardUrl, $"/login?t={Options.DashboardToken}");

    public string PostgresConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    public string SigningKey => Options.SigningKey;

    /// <summary>Everything the resources printed (the last lines), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log.TakeLast(300));
            }
        }
    }

    /// <summary>How many lines have been printed so far, to look at what comes after with <see cref="LoggedSince"/>.</summary>
    public int LogMark
    {
        get
        {
            lock (_log)
            {
                return _log.Count;
            }
        }
    }

    /// <summary>Whether any resource ever printed this text.</summary>
    public bool Logged(string text) => LoggedSince(0, text).Count > 0;

    public IReadOnlyList<string> LoggedSince(int mark, string text)
    {
        lock (_log)
        {
            return [.. _log.Skip(mark).Where(line => line.Contains(text, StringComparison.Ordinal))];
        }
    }

    public static async Task<ComposedApp> StartAsync(ComposedAppOptions options, CancellationToken cancellationToken = default)
    {
        await Prerequisites.EnsureAsync(postgres: true, redis: true, chromium: options.Chromium, Console.WriteLine, cancellationToken);
        var data = options.DataDirectory is null ? Directory.CreateTempSubdirectory("onboarding-composed-") : Directory.CreateDirectory(options.DataDirectory);
        // As root, the postgres user must be able to reach the data directory.
        File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var composed = new ComposedApp(data, options);
        try
        {
            await composed.StartCoreAsync(cancellationToken).WaitAsync(options.StartTimeout, cancellationToken);
        }
        catch (Exception e)
        {
            var log = composed.Log;
            await composed.DisposeAsync();
            throw new InvalidOperationException($"The composed system did not start: {e.Message}\n{log}", e);
        }

        return composed;
    }

    /// <summary>The running replicas of a service, in a stable order.</summary>
    public IReadOnlyList<ServiceInstance> Instances(string resource) =>
        [.. _instances.Values
            .Where(instance => instance.Resource.Name == resource && instance.Snapshot.State?.Text == KnownResourceStates.Running)
            .OrderBy(instance => instance.ResourceId, StringComparer.Ordinal)
            .Select(ServiceInstance.Describe)
            .OfType<ServiceInstance>()];

    /// <summary>The state the orchestrator reports for an instance (Running, Finished, Exited...).</summary>
    public string? StateOf(string instanceId) => _instances.TryGetValue(instanceId, out var instance) ? instance.Snapshot.State?.Text : null;

    /// <summary>Stops an instance (or a resource) and starts it again through the orchestrator, then waits until it is healthy.</summary>
    public async Task RestartAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var command = StateOf(instanceId) == KnownResourceStates.Running ? KnownResourceCommands.RestartCommand : KnownResourceCommands.StartCommand;
        await ExecuteAsync(instanceId, command, cancellationToken);
        await WaitUntilHealthyAsync(instanceId, cancellationToken);
    }

    public Task StopAsync(string instanceId, CancellationToken cancellationToken = default) =>
        ExecuteAsync(instanceId, KnownResourceCommands.StopCommand, cancellationToken);

    /// <summary>Kills an instance's process with SIGKILL, as a crash would, and waits until the orchestrator has seen it go.</summary>
    public async Task KillAsync(ServiceInstance instance, CancellationToken cancellationToken = default)
    {
        System.Diagnostics.Process.GetProcessById(instance.ProcessId).Kill();
        await WaitForAsync(instance.Id, state => state.Snapshot.State?.Text != KnownResourceStates.Running, "to have stopped", cancellationToken);
    }

    /// <summary>Stops Postgres with a fast shutdown (as an operator would) and starts it again; connections are cut.</summary>
    public async Task RestartPostgresFastAsync(CancellationToken cancellationToken = default)
    {
        var postgres = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<PostgresServerResource>().Single();
        var pgctl = Path.Combine(postgres.BinDirectory, "pg_ctl");
        string[] stop = ["stop", "-D", postgres.DataDirectory, "-m", "fast", "-w", "-t", "60"];
        var (exitCode, output) = Prerequisites.IsRoot
            ? await Prerequisites.RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", pgctl, .. stop], cancellationToken)
            : await Prerequisites.RunAsync(pgctl, stop, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl stop failed ({exitCode}): {output}");
        }

        await WaitForAsync(postgres.Name, state => state.Snapshot.State?.Text != KnownResourceStates.Running, "to have stopped", cancellationToken);
        await RestartAsync(postgres.Name, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        if (_app is not null)
        {
            try
            {
                await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(90));
            }
            finally
            {
                await _stopping.CancelAsync();
                await _app.DisposeAsync();
            }
        }

        await _stopping.CancelAsync();
        if (Options.DataDirectory is null)
        {
            _data.Delete(recursive: true);
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Onboarding_AppHost>(
            Arguments(),
            (application, _) => application.DisableDashboard = !Options.Dashboard,
            cancellationToken);
        // The resources' lines are collected into Log; the console keeps only the AppHost's own warnings.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter($"{builder.Environment.ApplicationName}.Resources", LogLevel.None)
            // A resource's health check fails, loudly, until the resource is up: waiting for that is what this class does.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        // A resource that fails fails the start, instead of leaving what waits for it waiting.
        builder.Services.Configure<ResourceNotificationServiceOptions>(wait => wait.DefaultWaitBehavior = WaitBehavior.StopOnResourceUnavailable);
        foreach (var service in Services)
        {
            var project = builder.CreateResourceBuilder<ProjectResource>(service);
            foreach (var (key, value) in Options.Settings)
            {
                project.WithEnvironment(key, value);
            }

            if (!Options.Dashboard)
            {
                // Without a dashboard the AppHost still points the services' OTLP exporter at one, and flushing to an
                // address nobody listens on holds each process's shutdown for the exporter's 10 s timeout.
                project.WithEnvironment(context =>
                {
                    foreach (var key in context.EnvironmentVariables.Keys.Where(key => key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal)).ToList())
                    {
                        context.EnvironmentVariables.Remove(key);
                    }
                });
            }
        }

        _app = await builder.BuildAsync(cancellationToken);
        _ = WatchAsync(_app.Services.GetRequiredService<ResourceNotificationService>(), _app.Services.GetRequiredService<ResourceLoggerService>());
        await _app.StartAsync(cancellationToken);

        foreach (var service in Services)
        {
            await WaitForAsync(
                service,
                _ => Instances(service).Count == Options.Replicas(service) && _instances.Values.Where(i => i.Resource.Name == service).All(IsHealthy),
                "to be running and healthy in every replica",
                cancellationToken);
            foreach (var instance in Instances(service))
            {
                await WaitUntilServingAsync(instance, cancellationToken);
            }
        }

        ApiUrl = App.GetEndpoint("api", "http").ToString().TrimEnd('/');
        WebUrl = App.GetEndpoint("web", "http").ToString().TrimEnd('/');
        if (Options.Dashboard)
        {
            // Under test the orchestrator moves the dashboard to a free port of its own; its resource says where.
            await WaitForAsync(
                DashboardResource, dashboard => dashboard.Snapshot.Urls.Any(url => url.Name == "http"), "to publish its address", cancellationToken);
            var login = new Uri(_instances.Values.First(i => i.Resource.Name == DashboardResource).Snapshot.Urls.First(url => url.Name == "http").Url);
            DashboardUrl = new Uri(login.GetLeftPart(UriPartial.Authority));
        }

        PostgresConnectionString = await App.GetConnectionStringAsync("onboardingdb", cancellationToken) ?? throw new InvalidOperationException("No database.");
        RedisConnectionString = await App.GetConnectionStringAsync("redis", cancellationToken) ?? throw new InvalidOperationException("No Redis.");
    }

    private string[] Arguments() =>
    [
        $"LocalData:Directory={_data.FullName}",
        $"LocalData:Durable={Options.Durable}",
        "LocalData:PostgresPort=0",
        "LocalData:RedisPort=0",
        $"Parameters:postgres-password={Options.PostgresPassword}",
        $"Parameters:redis-password={Options.RedisPassword}",
        $"Parameters:signing-key={Options.SigningKey}",
        .. Services.Select(service => $"Replicas:{service}={Options.Replicas(service)}"),
        .. Options.Dashboard ? Options.DashboardArguments() : [],
        .. Options.AppHostSettings.Select(setting => $"{setting.Key}={setting.Value}"),
    ];

    private async Task WatchAsync(ResourceNotificationService notifications, ResourceLoggerService logs)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(_stopping.Token))
            {
                _instances[update.ResourceId] = update;
                _ = _logWatches.GetOrAdd(update.ResourceId, id => CollectLogAsync(logs, id, update.Resource.Name));
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task CollectLogAsync(ResourceLoggerService logs, string resourceId, string name)
    {
        await Task.Yield();
        try
        {
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(_stopping.Token))
            {
                lock (_log)
                {
                    _log.AddRange(batch.Select(line => $"{resourceId} | {line.Content}"));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>The latest state of an instance, by its id, or of a resource's (first) instance, by the resource's name.</summary>
    private ResourceEvent? Current(string idOrName) =>
        _instances.TryGetValue(idOrName, out var instance) ? instance : _instances.Values.FirstOrDefault(i => i.Resource.Name == idOrName);

    private static bool IsHealthy(ResourceEvent instance) =>
        instance.Snapshot.State?.Text == KnownResourceStates.Running && instance.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;

    private async Task ExecuteAsync(string instanceId, string command, CancellationToken cancellationToken)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(instanceId, command, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} {instanceId}: {result.Message}\n{Log}");
        }
    }

    private async Task WaitUntilHealthyAsync(string instanceId, CancellationToken cancellationToken)
    {
        await WaitForAsync(instanceId, instance => IsHealthy(instance) && (instance.Resource is not ProjectResource || ServiceInstance.Describe(instance) is not null), "to be healthy", cancellationToken);
        if (Current(instanceId) is { } current && ServiceInstance.Describe(current) is { } service)
        {
            await WaitUntilServingAsync(service, cancellationToken);
        }
    }

    /// <summary>
    /// The orchestrator checks a service's health through its proxy, whichever replica answers; each replica is asked
    /// on its own address here, so none is used before it serves.
    /// </summary>
    private static async Task WaitUntilServingAsync(ServiceInstance instance, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + InstanceTimeout;
        while (true)
        {
            try
            {
                using var health = await http.GetAsync($"{instance.Url}/health", cancellationToken);
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{instance.Id} did not answer /health within {InstanceTimeout.TotalSeconds} s.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Waits, at most <see cref="InstanceTimeout"/>, until the instance (or, by resource name, any update) satisfies the condition.</summary>
    private async Task WaitForAsync(string idOrName, Func<ResourceEvent, bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + InstanceTimeout;
        while (true)
        {
            var current = Current(idOrName);
            if (current is not null && condition(current))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{idOrName} did not come {what} within {InstanceTimeout.TotalSeconds} s (state {current?.Snapshot.State?.Text}).\n{Log}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
