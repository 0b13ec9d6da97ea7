using Microsoft.Playwright;
using Npgsql;
using Onboarding.Bench.Infrastructure;
using Onboarding.Testing;
using StackExchange.Redis;

namespace Onboarding.Reliability.Tests.Infrastructure;

/// <summary>
/// The composed system scaled out on one machine through the AppHost's replicas: two Api, two Web and three Worker
/// processes against one Postgres and one Redis, all on loopback. Postgres runs durably (fsync and synchronous_commit
/// on), as in production, so "acknowledged" means on disk. Leases are short so a killed worker's job is rescued within
/// seconds (a 10 s lease), and rate limits are lifted. Faults are injected through the same processes and the orchestrator's
/// resource commands: kill -9, restarts, cut connections, a paused or stopped Redis.
/// </summary>
public sealed class ScaledSystem : IAsyncLifetime
{
    private readonly Dictionary<string, OnboardingClient> _clients = [];
    private IPlaywright? _playwright;

    public ComposedApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The Ledgerline website the scrapes crawl.</summary>
    public FixtureSite Site { get; private set; } = null!;

    /// <summary>The suite's own connections, for what it asserts and for the faults it injects.</summary>
    public NpgsqlDataSource Postgres { get; private set; } = null!;

    /// <summary>Each Api instance, by its own address (the instances behind the orchestrator's proxy).</summary>
    public IReadOnlyList<ServiceInstance> Apis => App.Instances("api");

    public IReadOnlyList<ServiceInstance> Webs => App.Instances("web");

    public IReadOnlyList<ServiceInstance> Workers => App.Instances("worker");

    /// <summary>A client of each Api instance, in order (an instance restarted keeps its address, so its client).</summary>
    public IReadOnlyList<OnboardingClient> Clients
    {
        get
        {
            lock (_clients)
            {
                return [.. Apis.Select(api => _clients.TryGetValue(api.Url, out var client) ? client : _clients[api.Url] = new OnboardingClient(new Uri(api.Url)))];
            }
        }
    }

    /// <summary>The last lines the services printed, for failure messages.</summary>
    public string Log => App.Log;

    /// <summary>Lines printed since <paramref name="mark"/> (a count from <see cref="LogMark"/>) that contain the text.</summary>
    public IReadOnlyList<string> LoggedSince(int mark, string text) => App.LoggedSince(mark, text);

    public int LogMark => App.LogMark;

    public async ValueTask InitializeAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        Site = await FixtureSite.StartAsync();
        var options = new ComposedAppOptions
        {
            ApiReplicas = 2,
            WebReplicas = 2,
            Workers = 3,
            Durable = true,
            Chromium = true,
            Settings =
            {
                ["Crawler__AllowPrivateNetworks"] = "true",
                // Ten heartbeats long: a worker starved of CPU for a few seconds (the suite shares two cores with seven
                // services) keeps its lease; a killed one's job is still rescued within seconds.
                ["Jobs__LeaseDuration"] = "00:00:10",
                ["Jobs__HeartbeatInterval"] = "00:00:01",
                ["Jobs__PollInterval"] = "00:00:01",
                ["Jobs__RetryBaseDelay"] = "00:00:01",
            },
        };
        // Load comes from one loopback address: the suite tests the system, not the limits that guard it.
        foreach (var (key, value) in RateLimitsLifted.Settings)
        {
            options.Settings[key] = value;
        }

        App = await ComposedApp.StartAsync(options, cancel);
        Postgres = new NpgsqlDataSourceBuilder(App.PostgresConnectionString) { ConnectionStringBuilder = { Pooling = false } }.Build();
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    /// <summary>Pauses every Redis client (<c>CLIENT PAUSE … ALL</c>): Redis is up but answers nothing for that long.</summary>
    public async Task PauseRedisAsync(TimeSpan duration)
    {
        var options = ConfigurationOptions.Parse(App.RedisConnectionString);
        options.AllowAdmin = true;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        await redis.GetServers()[0].ExecuteAsync("CLIENT", "PAUSE", (long)duration.TotalMilliseconds, "ALL");
        // Closing this connection at once ended the pause (StackExchange.Redis 3.4, Redis 7.0): keep it until the pause is over.
        _ = Task.Delay(duration + TimeSpan.FromSeconds(1)).ContinueWith(_ => redis.Dispose(), TaskScheduler.Default);
    }

    /// <summary>Cuts every connection the services hold to Postgres, as a failover or an operator would.</summary>
    public async Task<long> TerminatePostgresConnectionsAsync()
    {
        await using var command = Postgres.CreateCommand("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            """);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> CountAsync(string sql, params object[] parameters) => (await ScalarAsync<long?>(sql, parameters)) ?? 0;

    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = Postgres.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var result = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>
    /// What every fault test ends with: each service answers its health check again without having been restarted,
    /// and no job is left running (every one finishes, or is rescued and finishes) within the bound.
    /// </summary>
    public async Task AssertRecoveredAsync(TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var service in ComposedApp.Services.SelectMany(App.Instances))
        {
            Assert.True(Directory.Exists($"/proc/{service.ProcessId}"), $"{service.Id} exited:\n{Log}");
            while (true)
            {
                try
                {
                    using var health = await http.GetAsync(service.Url + "/health", TestContext.Current.CancellationToken);
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not answering yet.
                }
                catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    // Too slow yet.
                }

                Assert.True(DateTime.UtcNow < deadline, $"{service.Id} did not become healthy again:\n{Log}");
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }
        }

        while (await CountAsync("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running') AND run_after <= now()") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Jobs are still queued or running:\n{Log}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }

        await Site.DisposeAsync();
    }
}
