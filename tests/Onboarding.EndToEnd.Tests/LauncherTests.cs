using System.Net;
using Npgsql;
using Onboarding.AppHost.Hosting;
using Onboarding.EndToEnd.Tests.Infrastructure;

namespace Onboarding.EndToEnd.Tests;

public sealed class LauncherTests(ComposedSystem system)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryServiceOfTheComposedSystemIsHealthyAndListed()
    {
        var table = system.App.Describe();

        foreach (var resource in new[] { "postgres", "redis", "migrations", "api", "worker", "web" })
        {
            Assert.Contains(resource, table);
        }

        Assert.DoesNotContain("password", table, StringComparison.OrdinalIgnoreCase);
        using var http = new HttpClient();
        foreach (var service in system.App.Services)
        {
            using var health = await http.GetAsync(service.Url + "/health", Cancel);
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{service.Name}: {health.StatusCode}\n{system.Log}");
        }
    }

    [Fact]
    public async Task ServicesReceiveAspireStyleSettingsAndServeTheApiReference()
    {
        using var reference = await system.Api.GetAsync("/scalar/v1", Cancel);
        using var document = await system.Api.GetAsync("/openapi/v1.json", Cancel);

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task StoppingLeavesNoProcessBehindAndTheDataIsKeptForTheNextStart()
    {
        // Arrange: a second, persistent composition of its own.
        var data = Directory.CreateTempSubdirectory("onboarding-launcher-");
        File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var options = new AppHostOptions { DataDirectory = data.FullName, ApiPort = 0, WebPort = 0, WorkerPort = 0, PostgresPort = 0, RedisPort = 0, Workers = 2 };
        var log = new List<string>();
        var first = new DistributedApplication(options, (r, l) => { lock (log) { log.Add($"{r} | {l}"); } });
        try
        {
            await first.StartAsync(Cancel);
            Assert.Equal(2, first.Services.Count(s => s.Project == DistributedApplication.Projects.Worker));
            await using (var connection = new NpgsqlConnection(first.PostgresConnectionString))
            {
                await connection.OpenAsync(Cancel);
                await using var create = new NpgsqlCommand("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')", connection);
                await create.ExecuteNonQueryAsync(Cancel);
            }

            var servicePids = first.Services.Select(s => s.Process.Id).ToList();

            // Act
            await first.StopAsync();

            // Assert: no service, and nothing started for this data directory, is still running.
            Assert.All(servicePids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} is still running"));
            Assert.Empty(ProcessesMentioning(data.FullName));

            var second = new DistributedApplication(options, (_, _) => { });
            await second.StartAsync(Cancel);
            try
            {
                await using var connection = new NpgsqlConnection(second.PostgresConnectionString);
                await connection.OpenAsync(Cancel);
                await using var read = new NpgsqlCommand("SELECT v FROM kept", connection);
                Assert.Equal("still here", await read.ExecuteScalarAsync(Cancel));
            }
            finally
            {
                await second.StopAsync();
            }
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\n{string.Join('\n', log.TakeLast(100))}", e);
        }
        finally
        {
            await first.StopAsync();
            data.Delete(recursive: true);
        }
    }

    private static List<string> ProcessesMentioning(string text) =>
        Directory.GetDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
                }
                catch (IOException)
                {
                    return "";
                }
                catch (UnauthorizedAccessException)
                {
                    return "";
                }
            })
            .Where(commandLine => commandLine.Contains(text, StringComparison.Ordinal))
            .ToList();
}
