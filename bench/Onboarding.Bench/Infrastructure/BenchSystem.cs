using System.Globalization;
using Microsoft.Playwright;
using Npgsql;
using Onboarding.AppHost.Hosting;
using Onboarding.Testing;
using StackExchange.Redis;

namespace Onboarding.Bench.Infrastructure;

/// <summary>
/// What every scenario measures against: the system composed by the AppHost exactly as the launcher runs it (embedded
/// Postgres and Redis, migrations, Api, Worker and Web as separate Release-built processes) on free loopback ports
/// with a throwaway data directory, the Ledgerline fixture website, Debian's Chromium under Playwright, and clients.
/// Postgres keeps <c>fsync</c> and <c>synchronous_commit</c> on (not the tests' ephemeral mode): a 202 means durable.
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private readonly DirectoryInfo _data;
    private readonly LogTail _log;
    private IPlaywright? _playwright;

    private BenchSystem(DirectoryInfo data, LogTail log, DistributedApplication app)
    {
        _data = data;
        _log = log;
        App = app;
    }

    public DistributedApplication App { get; }

    public FixtureSite Site { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The Api as agents and workspaces call it.</summary>
    public OnboardingClient Api { get; private set; } = null!;

    /// <summary>The bench's own connections, for baselines and for watching what the services do.</summary>
    public NpgsqlDataSource Postgres { get; private set; } = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public string PostgresBin { get; } = PostgresServer.FindBinDirectory() ?? "/usr/lib/postgresql/15/bin";

    public int RedisPid { get; private set; }

    public int PostmasterPid { get; private set; }

    public RunningService Service(string project) => App.Services.First(s => s.Project == project);

    /// <summary>Writes every dirty page to disk now (a scenario's writes would otherwise meet a timed checkpoint later).</summary>
    public async Task CheckpointAsync()
    {
        await using var command = Postgres.CreateCommand("CHECKPOINT");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The last lines the services printed, for failure messages.</summary>
    public string RecentLog => _log.Text;

    public static async Task<BenchSystem> StartAsync(BenchOptions options, CancellationToken cancellationToken = default)
    {
        var log = new LogTail(options.Verbose);
        await Prerequisites.EnsureAsync(postgres: true, redis: true, chromium: true, log.Write, cancellationToken);
        var data = Directory.CreateTempSubdirectory("onboarding-bench-");
        // As root, the postgres user must be able to reach the data directory.
        File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var hostOptions = new AppHostOptions
        {
            DataDirectory = data.FullName,
            ApiPort = 0,
            WebPort = 0,
            WorkerPort = 0,
            PostgresPort = 0,
            RedisPort = 0,
            ServiceSettings =
            {
                // The crawl scenarios scrape the fixture website on loopback.
                ["Crawler__AllowPrivateNetworks"] = "true",
            },
        };
        // The bench measures the work, not the limits that guard against abuse.
        foreach (var (key, value) in RateLimitsLifted.Settings)
        {
            hostOptions.ServiceSettings[key] = value;
        }

        foreach (var (key, value) in options.Settings)
        {
            hostOptions.ServiceSettings[key] = value;
        }

        var app = new DistributedApplication(hostOptions, log.Write);
        var system = new BenchSystem(data, log, app);
        try
        {
            await system.StartAllAsync(cancellationToken);
        }
        catch (Exception e)
        {
            await system.DisposeAsync();
            throw new InvalidOperationException($"The system did not start: {e.Message}\n{log.Text}", e);
        }

        return system;
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        Site = await FixtureSite.StartAsync();
        await App.StartAsync(cancellationToken);
        Postgres = NpgsqlDataSource.Create(App.PostgresConnectionString);
        // Admin: the bench reads INFO (version, process id).
        Redis = await ConnectionMultiplexer.ConnectAsync(App.RedisConnectionString + ",allowAdmin=true");
        Api = new OnboardingClient(new Uri(App.ApiUrl));
        RedisPid = int.Parse(
            Redis.GetServers()[0].Info("server").SelectMany(group => group).First(pair => pair.Key == "process_id").Value, CultureInfo.InvariantCulture);
        await using (var dataDirectory = Postgres.CreateCommand("SELECT setting FROM pg_settings WHERE name = 'data_directory'"))
        {
            var postmasterPid = Path.Combine((string)(await dataDirectory.ExecuteScalarAsync(cancellationToken))!, "postmaster.pid");
            PostmasterPid = int.Parse((await File.ReadAllLinesAsync(postmasterPid, cancellationToken))[0], CultureInfo.InvariantCulture);
        }

        var roots = App.Services.ToDictionary(s => s.Process.Id, s => s.Project.Replace("Onboarding.", "", StringComparison.Ordinal).ToLowerInvariant());
        roots[RedisPid] = "redis";
        roots[PostmasterPid] = "postgres";
        CpuUsage.Watch(roots);
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Api?.Dispose();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        await App.StopAsync();
        if (Site is not null)
        {
            await Site.DisposeAsync();
        }

        _data.Delete(recursive: true);
    }

    /// <summary>Keeps the services' last lines (printing them all would swamp the console under load).</summary>
    private sealed class LogTail(bool verbose)
    {
        private readonly Queue<string> _lines = new();

        public string Text
        {
            get
            {
                lock (_lines)
                {
                    return string.Join('\n', _lines);
                }
            }
        }

        public void Write(string resource, string line)
        {
            var entry = $"{resource} | {line}";
            if (verbose)
            {
                Console.WriteLine(entry);
            }

            lock (_lines)
            {
                _lines.Enqueue(entry);
                if (_lines.Count > 300)
                {
                    _lines.Dequeue();
                }
            }
        }
    }
}
