using System.Globalization;
using System.Reflection;
using System.Text;

namespace Onboarding.AppHost.Hosting;

/// <summary>A launched service instance: its resource name (api, worker-1, …) and base URL.</summary>
public sealed record RunningService(string Name, string Project, string Url, ResourceProcess Process);

/// <summary>
/// The whole system on one machine, in dependency order: Postgres and Redis (embedded, or given by connection
/// string), migrations once, then the Api and Worker replicas, then the Web; each waited on until healthy.
/// Services get their settings the way an Aspire AppHost would give them, so Aspire could replace this class.
/// Tests use it too: with <see cref="AppHostOptions.StartServices"/> off it is just the infrastructure.
/// </summary>
public sealed class DistributedApplication(AppHostOptions options, LogSink log) : IAsyncDisposable
{
    private readonly List<RunningService> _services = [];
    private readonly List<(string Name, string State, string Endpoint)> _resources = [];
    private LocalSecrets? _secrets;
    private Dictionary<string, string?> _environment = [];

    public PostgresServer? Postgres { get; private set; }

    public RedisServer? Redis { get; private set; }

    public string PostgresConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    /// <summary>The token signing key the services share (generated once per data directory).</summary>
    public string SigningKey => _secrets?.SigningKey ?? throw new InvalidOperationException("Not started.");

    public IReadOnlyList<RunningService> Services => _services;

    public string ApiUrl => _services.First(s => s.Project == Projects.Api).Url;

    public string WebUrl => _services.First(s => s.Project == Projects.Web).Url;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        _secrets = LocalSecrets.LoadOrCreate(dataDirectory);
        await Prerequisites.EnsureAsync(postgres: options.Postgres is null, redis: options.Redis is null, chromium: false, log, cancellationToken);

        await Task.WhenAll(StartPostgresAsync(dataDirectory, cancellationToken), StartRedisAsync(dataDirectory, cancellationToken));

        await Onboarding.Data.Extensions.MigrateOnboardingDatabaseAsync(PostgresConnectionString, cancellationToken);
        log("migrations", "Database is up to date.");
        _resources.Add(("migrations", "applied", PostgresServer.DatabaseName));

        if (!options.StartServices)
        {
            return;
        }

        var apiUrls = Urls(options.ApiPort, options.ApiReplicas, "--api-port");
        var webUrls = Urls(options.WebPort, options.WebReplicas, "--web-port");
        var workerUrls = Urls(options.WorkerPort, options.Workers, "--worker-port");
        _environment = ServiceEnvironment(apiUrls, webUrls);

        await Task.WhenAll(
            apiUrls.Select((url, i) => StartServiceAsync(Name("api", i, apiUrls.Count), Projects.Api, url, cancellationToken))
                .Concat(workerUrls.Select((url, i) => StartServiceAsync(Name("worker", i, workerUrls.Count), Projects.Worker, url, cancellationToken))));
        await Task.WhenAll(
            webUrls.Select((url, i) => StartServiceAsync(Name("web", i, webUrls.Count), Projects.Web, url, cancellationToken)));
    }

    /// <summary>Starts an instance again on its address (stopping it politely first if it still runs), waiting until healthy.</summary>
    public async Task<RunningService> RestartAsync(RunningService service, CancellationToken cancellationToken = default)
    {
        service.Process.Terminate();
        await service.Process.WaitOrKillAsync(TimeSpan.FromSeconds(20));
        await service.Process.DisposeAsync();
        lock (_services)
        {
            _services.Remove(service);
        }

        return await StartServiceAsync(service.Name, service.Project, service.Url, cancellationToken);
    }

    /// <summary>A table of every resource, its state and where to reach it (no secrets).</summary>
    public string Describe()
    {
        var rows = _resources.Concat(_services.Select(s => (s.Name, State: s.Process.HasExited ? "exited" : "healthy", Endpoint: s.Url))).ToList();
        var nameWidth = Math.Max(8, rows.Max(r => r.Name.Length));
        var stateWidth = Math.Max(5, rows.Max(r => r.State.Length));
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{"RESOURCE".PadRight(nameWidth)}  {"STATE".PadRight(stateWidth)}  ENDPOINT");
        foreach (var (name, state, endpoint) in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"{name.PadRight(nameWidth)}  {state.PadRight(stateWidth)}  {endpoint}");
        }

        var api = _services.FirstOrDefault(s => s.Project == Projects.Api);
        if (api is not null)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"API reference: {api.Url}/scalar   OpenAPI: {api.Url}/openapi/v1.json");
        }

        return table.ToString();
    }

    /// <summary>Stops everything in reverse dependency order: Web, Workers, Api, then Redis and Postgres.</summary>
    public async Task StopAsync()
    {
        foreach (var project in new[] { Projects.Web, Projects.Worker, Projects.Api })
        {
            var tier = _services.Where(s => s.Project == project).ToList();
            foreach (var service in tier)
            {
                service.Process.Terminate();
            }

            await Task.WhenAll(tier.Select(s => s.Process.WaitOrKillAsync(TimeSpan.FromSeconds(20))));
            foreach (var service in tier)
            {
                await service.Process.DisposeAsync();
                _services.Remove(service);
            }
        }

        if (Redis is not null)
        {
            await Redis.StopAsync();
            await Redis.DisposeAsync();
            Redis = null;
        }

        if (Postgres is not null)
        {
            await Postgres.StopAsync();
            await Postgres.DisposeAsync();
            Postgres = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task StartPostgresAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        if (options.Postgres is not null)
        {
            PostgresConnectionString = options.Postgres;
            _resources.Add(("postgres", "external", Redact(options.Postgres)));
            return;
        }

        var port = FixedOrFree(options.PostgresPort, "postgres", "--postgres-port");
        Postgres = await PostgresServer.StartAsync(
            Path.Combine(dataDirectory, "postgres"), port, _secrets!.PostgresPassword, options.Ephemeral, log, options.StartTimeout, cancellationToken);
        PostgresConnectionString = Postgres.ConnectionString;
        _resources.Add(("postgres", "running", $"127.0.0.1:{port} (database {PostgresServer.DatabaseName})"));
    }

    private async Task StartRedisAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        if (options.Redis is not null)
        {
            RedisConnectionString = options.Redis;
            _resources.Add(("redis", "external", Redact(options.Redis)));
            return;
        }

        var port = FixedOrFree(options.RedisPort, "redis", "--redis-port");
        Redis = await RedisServer.StartAsync(
            Path.Combine(dataDirectory, "redis"), port, _secrets!.RedisPassword, options.Ephemeral, log, options.StartTimeout, cancellationToken);
        RedisConnectionString = Redis.ConnectionString;
        _resources.Add(("redis", "running", $"127.0.0.1:{port}"));
    }

    private async Task<RunningService> StartServiceAsync(string name, string project, string url, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>(_environment)
        {
            ["ASPNETCORE_URLS"] = url,
            ["OTEL_SERVICE_NAME"] = ServiceName(project),
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={name}",
        };
        var assembly = Projects.OutputAssembly(project);
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is missing: build the solution first (dotnet build), or start through dotnet run --project Onboarding.AppHost.");
        }

        var process = ResourceProcess.Start(name, Projects.DotnetHost, [assembly], log, environment, Projects.Directory(project));
        var service = new RunningService(name, project, url, process);
        lock (_services)
        {
            _services.Add(service);
        }

        await WaitUntilHealthyAsync(service, cancellationToken);
        return service;
    }

    private async Task WaitUntilHealthyAsync(RunningService service, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.StartTimeout);
        while (true)
        {
            if (service.Process.HasExited)
            {
                throw new InvalidOperationException($"{service.Name} exited with code {service.Process.Exited.Result} while starting; see its lines above.");
            }

            try
            {
                using var response = await http.GetAsync(service.Url + "/health", deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && !deadline.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(150, deadline.Token);
        }
    }

    private Dictionary<string, string?> ServiceEnvironment(List<string> apiUrls, List<string> webUrls)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = options.Environment,
            ["DOTNET_ENVIRONMENT"] = options.Environment,
            [$"ConnectionStrings__{PostgresServer.DatabaseName}"] = PostgresConnectionString,
            ["ConnectionStrings__redis"] = RedisConnectionString,
            ["Tokens__SigningKey"] = SigningKey,
            ["Onboarding__PublicWebUrl"] = webUrls[0],
            // One line per log entry, so each can carry its resource's name in front.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
        };
        for (var i = 0; i < apiUrls.Count; i++)
        {
            environment[$"services__api__http__{i}"] = apiUrls[i];
        }

        foreach (var (key, value) in options.ServiceSettings)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static List<string> Urls(int firstPort, int replicas, string option) =>
        Enumerable.Range(0, Math.Max(1, replicas))
            .Select(i => $"http://127.0.0.1:{FixedOrFree(firstPort == 0 ? 0 : firstPort + i, option.TrimStart('-'), option)}")
            .ToList();

    private static int FixedOrFree(int port, string what, string option)
    {
        if (port != 0)
        {
            Ports.EnsureFree(port, what, option);
        }

        return Ports.Resolve(port);
    }

    private static string Name(string resource, int index, int count) => count == 1 ? resource : $"{resource}-{index}";

    private static string ServiceName(string project) => project switch
    {
        Projects.Api => "api",
        Projects.Worker => "worker",
        _ => "web",
    };

    private static string Redact(string connectionString) =>
        string.Join(';', connectionString.Split(';', ',').Where(part => !part.Contains("password", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The repository's service projects and where their build outputs are.</summary>
    public static class Projects
    {
        public const string Api = "Onboarding.Api";
        public const string Worker = "Onboarding.Worker";
        public const string Web = "Onboarding.Web";

        private static string Metadata(string key) =>
            typeof(Projects).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

        public static string RepositoryRoot => Metadata("RepositoryRoot");

        public static string Directory(string project) => Path.Combine(RepositoryRoot, project);

        public static string OutputAssembly(string project) =>
            Path.Combine(Directory(project), "bin", Metadata("Configuration"), Metadata("TargetFramework"), project + ".dll");

        /// <summary>The dotnet host that runs the service assemblies: the one running this process when known.</summary>
        public static string DotnetHost =>
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
                ? host
                : Native.FindOnPath("dotnet") ?? "dotnet";
    }
}
