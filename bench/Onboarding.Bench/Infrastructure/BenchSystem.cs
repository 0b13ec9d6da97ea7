using System.Globalization;
using Microsoft.Playwright;
using Npgsql;
using Onboarding.AppHost.Hosting;
using Onboarding.Testing;
using StackExchange.Redis;

namespace Onboarding.Bench.Infrastructure;

/// <summary>
/// What every scenario measures against: the AppHost's resource graph (Postgres and Redis from the machine's packages,
/// migrations, Api, Worker and Web as separate Release-built processes) started through Aspire.Hosting.Testing on free
/// loopback ports with a throwaway data directory, the Ledgerline fixture website, Debian's Chromium under Playwright,
/// and clients. Postgres keeps <c>fsync</c> and <c>synchronous_commit</c> on: a 202 means durable. Clients reach each
/// service on its own address, not through the orchestrator's proxy, so the figures are the services' own; and no
/// dashboard runs, so the services export no telemetry while measured.
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private IPlaywright? _playwright;

    private BenchSystem(ComposedApp app) => App = app;

    public ComposedApp App { get; }

    public FixtureSite Site { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The Api as agents and workspaces call it.</summary>
    public OnboardingClient Api { get; private set; } = null!;

    /// <summary>The bench's own connections, for baselines and for watching what the services do.</summary>
    public NpgsqlDataSource Postgres { get; private set; } = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public string PostgresBin { get; } = Prerequisites.PostgresBinDirectory ?? "/usr/lib/postgresql/15/bin";

    public int RedisPid { get; private set; }

    public int PostmasterPid { get; private set; }

    /// <summary>The one instance of a service (api, worker, web).</summary>
    public ServiceInstance Service(string resource) => App.Instances(resource)[0];

    /// <summary>Writes every dirty page to disk now (a scenario's writes would otherwise meet a timed checkpoint later).</summary>
    public async Task CheckpointAsync()
    {
        await using var command = Postgres.CreateCommand("CHECKPOINT");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The last lines the services printed, for failure messages.</summary>
    public string RecentLog => App.Log;

    public static async Task<BenchSystem> StartAsync(BenchOptions options, CancellationToken cancellationToken = default)
    {
        var settings = new Dictionary<string, string?>
        {
            // The crawl scenarios scrape the fixture website on loopback.
            ["Crawler__AllowPrivateNetworks"] = "true",
        };
        // The bench measures the work, not the limits that guard against abuse.
        foreach (var (key, value) in RateLimitsLifted.Settings.Concat(options.Settings.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value))))
        {
            settings[key] = value;
        }

        var app = await ComposedApp.StartAsync(new ComposedAppOptions { Durable = true, Chromium = true, Settings = settings }, cancellationToken);
        var system = new BenchSystem(app);
        try
        {
            await system.StartAllAsync(cancellationToken);
        }
        catch (Exception e)
        {
            var log = app.Log;
            await system.DisposeAsync();
            throw new InvalidOperationException($"The bench could not start: {e.Message}\n{log}", e);
        }

        return system;
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        Site = await FixtureSite.StartAsync();
        Postgres = NpgsqlDataSource.Create(App.PostgresConnectionString);
        // Admin: the bench reads INFO (version, process id).
        Redis = await ConnectionMultiplexer.ConnectAsync(App.RedisConnectionString + ",allowAdmin=true");
        Api = new OnboardingClient(new Uri(Service("api").Url));
        RedisPid = int.Parse(
            Redis.GetServers()[0].Info("server").SelectMany(group => group).First(pair => pair.Key == "process_id").Value, CultureInfo.InvariantCulture);
        await using (var dataDirectory = Postgres.CreateCommand("SELECT setting FROM pg_settings WHERE name = 'data_directory'"))
        {
            var postmasterPid = Path.Combine((string)(await dataDirectory.ExecuteScalarAsync(cancellationToken))!, "postmaster.pid");
            PostmasterPid = int.Parse((await File.ReadAllLinesAsync(postmasterPid, cancellationToken))[0], CultureInfo.InvariantCulture);
        }

        var roots = ComposedApp.Services.ToDictionary(service => Service(service).ProcessId, service => service);
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

        await App.DisposeAsync();
        if (Site is not null)
        {
            await Site.DisposeAsync();
        }
    }
}
