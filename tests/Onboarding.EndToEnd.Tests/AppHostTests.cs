using System.Net;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using Onboarding.AppHost.Hosting;
using Onboarding.Bench.Infrastructure;
using Onboarding.EndToEnd.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.EndToEnd.Tests;

/// <summary>The AppHost as a developer meets it: the Aspire dashboard, one trace per run, and a clean stop.</summary>
public sealed class AppHostTests(ComposedSystem system)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDashboardListsEveryResourceHealthyAndTheMigrationsFinished()
    {
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(system.App.DashboardLoginUrl!.ToString());

        var rows = page.Locator(".fluent-data-grid-row, [role=row]");
        foreach (var running in new[] { "postgres", "onboardingdb", "redis", "api", "worker", "web" })
        {
            var row = rows.Filter(new() { Has = page.GetByText(running, new() { Exact = true }) });
            await Assertions.Expect(row.First).ToContainTextAsync("Running", new() { Timeout = 30_000 });
            await Assertions.Expect(row.First).Not.ToContainTextAsync("Unhealthy");
        }

        var migrations = rows.Filter(new() { Has = page.GetByText("migrations", new() { Exact = true }) });
        await Assertions.Expect(migrations.First).ToContainTextAsync("Finished");
        using var http = new HttpClient();
        foreach (var service in ComposedApp.Services)
        {
            foreach (var instance in system.App.Instances(service))
            {
                using var health = await http.GetAsync($"{instance.Url}/health", Cancel);
                Assert.True(health.StatusCode == HttpStatusCode.OK, $"{instance.Id}: {health.StatusCode}\n{system.Log}");
            }
        }
    }

    [Fact]
    public async Task AScrapeIsOneTraceAcrossApiAndWorkerInTheDashboard()
    {
        // Arrange: a run that completes.
        await using var site = await FixtureSite.StartAsync();
        using var client = new OnboardingClient(new Uri(system.App.ApiUrl));
        var workspace = new Workspace(await new CodingAgent(system).ClaimWorkspaceAsync(), OrgId: "", UserId: "");
        var (sessionId, runId) = await client.StartScrapingAsync(workspace, site.BaseUrl, Cancel);
        await Eventually.TrueAsync(async () => await client.StatusAsync(workspace, sessionId, Cancel) == "completed", TimeSpan.FromSeconds(90), "the scrape to complete");
        var traceId = (await client.RunAsync(workspace, runId, Cancel))["run"]!["traceId"]!.GetValue<string>();

        // Act: look it up in the Aspire dashboard.
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(system.App.DashboardLoginUrl!.ToString());
        await page.GotoAsync(new Uri(system.App.DashboardUrl!, $"/traces/detail/{traceId}").ToString());

        // Assert: the request and the worker's steps in one trace, with spans from both services.
        var trace = page.Locator("body");
        await Assertions.Expect(trace).ToContainTextAsync("start-scraping", new() { Timeout = 30_000 });
        await Assertions.Expect(trace).ToContainTextAsync("api");
        await Assertions.Expect(trace).ToContainTextAsync("worker");
        await Assertions.Expect(trace).ToContainTextAsync("write_profile");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "onboarding-dashboard-trace.png"), FullPage = true });
    }

    [Fact]
    public async Task StoppingHandsARunningJobBackWithoutChargingAnAttemptAndLeavesNoProcessBehind()
    {
        // Arrange: a composition of its own, durable, whose data outlives it; a scrape stuck on its first page.
        var data = Directory.CreateTempSubdirectory("onboarding-apphost-");
        var options = new ComposedAppOptions
        {
            DataDirectory = data.FullName,
            Durable = true,
            Workers = 2,
            Settings = { ["Crawler__AllowPrivateNetworks"] = "true" },
        };
        try
        {
            await using var site = await FixtureSite.StartAsync(stallFirstHomeRequest: true);
            string connectionString;
            Guid sessionId;
            string runId;
            Workspace workspace;
            List<int> processes;
            string log;
            await using (var first = await ComposedApp.StartAsync(options, Cancel))
            {
                connectionString = new NpgsqlConnectionStringBuilder(first.PostgresConnectionString) { Pooling = false }.ConnectionString;
                using var client = new OnboardingClient(new Uri(first.ApiUrl));
                workspace = await client.ClaimWorkspaceAsync(Cancel);
                (sessionId, runId) = await client.StartScrapingAsync(workspace, site.BaseUrl, Cancel);
                await Eventually.TrueAsync(async () => await JobAsync(connectionString, runId) is ("running", 1), TimeSpan.FromSeconds(90), "a worker to run the scrape");
                processes = [.. ComposedApp.Services.SelectMany(first.Instances).Select(instance => instance.ProcessId)];

                // Act: stop everything, watching the job's row until Postgres goes.
                using var watching = new CancellationTokenSource();
                var lastSeen = WatchJobAsync(connectionString, runId, watching.Token);
                await first.DisposeAsync();
                await watching.CancelAsync();

                log = first.Log;

                // Assert: handed back to the queue, the attempt given back, before Postgres stopped.
                Assert.Equal(("queued", 0), await lastSeen);
            }

            Assert.All(processes, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} is still running:\n{log}"));
            Assert.Empty(ProcessesMentioning(data.FullName));
            // Postgres went down by its own clean shutdown, not killed: no recovery on the next start.
            var (_, control) = await Prerequisites.RunAsync(Path.Combine(Prerequisites.PostgresBinDirectory!, "pg_controldata"), [Path.Combine(data.FullName, "postgres")], Cancel);
            Assert.Matches(@"Database cluster state:\s+shut down\n", control + "\n");

            // The same data and secrets, started again: the run is still there and completes.
            await using var second = await ComposedApp.StartAsync(options, Cancel);
            using var again = new OnboardingClient(new Uri(second.ApiUrl));
            await Eventually.TrueAsync(async () => await again.StatusAsync(workspace, sessionId, Cancel) == "completed", TimeSpan.FromSeconds(90), "the handed-back run to complete after the restart");
            Assert.Equal("succeeded", (await JobAsync(new NpgsqlConnectionStringBuilder(second.PostgresConnectionString) { Pooling = false }.ConnectionString, runId))?.State);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AnExternalPostgresAndRedisGivenByConnectionStringAreUsedInsteadOfLocalOnes()
    {
        // Arrange: a database of its own on the shared system's Postgres, and that system's Redis, as "external" stores.
        var external = new NpgsqlConnectionStringBuilder(system.App.PostgresConnectionString) { Database = "external_" + Guid.NewGuid().ToString("N")[..8] };
        await using (var admin = new NpgsqlConnection(system.App.PostgresConnectionString))
        {
            await admin.OpenAsync(Cancel);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {external.Database}", admin);
            await create.ExecuteNonQueryAsync(Cancel);
        }

        // Act
        await using var app = await ComposedApp.StartAsync(
            new ComposedAppOptions
            {
                AppHostSettings =
                {
                    ["ConnectionStrings:onboardingdb"] = external.ConnectionString,
                    ["ConnectionStrings:redis"] = system.App.RedisConnectionString,
                },
            },
            Cancel);
        using var client = new OnboardingClient(new Uri(app.ApiUrl));
        var session = await client.OpenSessionAsync(Cancel);

        // Assert: no local stores in the graph; the migrations ran there and the session is stored there.
        var resources = app.App.Services.GetRequiredService<DistributedApplicationModel>().Resources;
        Assert.DoesNotContain(resources, resource => resource is PostgresServerResource or RedisServerResource);
        await using var connection = new NpgsqlConnection(external.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var stored = new NpgsqlCommand("SELECT count(*) FROM agent_sessions WHERE id = $1", connection) { Parameters = { new() { Value = session.Id } } };
        Assert.Equal(1L, await stored.ExecuteScalarAsync(Cancel));
    }

    private static async Task<(string State, int Attempts)?> JobAsync(string connectionString, string runId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT state, attempts FROM jobs WHERE id = $1", connection) { Parameters = { new() { Value = runId } } };
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        return await reader.ReadAsync(Cancel) ? (reader.GetString(0), reader.GetInt32(1)) : null;
    }

    /// <summary>The job's state and attempts as last read before the database stopped answering (one connection per read, none held open).</summary>
    private static async Task<(string State, int Attempts)?> WatchJobAsync(string connectionString, string runId, CancellationToken stop)
    {
        (string, int)? last = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                last = await JobAsync(connectionString, runId) ?? last;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                // Postgres is shutting down or gone.
            }

            await Task.Delay(20, CancellationToken.None);
        }

        return last;
    }

    private static List<string> ProcessesMentioning(string text) =>
        [.. Directory.GetDirectories("/proc")
            .Where(directory => int.TryParse(Path.GetFileName(directory), out _))
            .Select(directory =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return "";
                }
            })
            .Where(commandLine => commandLine.Contains(text, StringComparison.Ordinal))];
}
