using System.Diagnostics;
using System.Net.Sockets;
using Onboarding.Bench.Infrastructure;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 0: the developer's own command, <c>dotnet run --project Onboarding.AppHost</c> (already built, with a
/// throwaway data directory), timed from its start until every service answers its health check through the ports the
/// README documents (each waits for Postgres, Redis and the migrations before it starts); then the resident memory of
/// the AppHost, the orchestrator (DCP), the dashboard and the services, and the time Ctrl+C (SIGTERM) takes to leave
/// no process behind. Runs before the measured system starts, on a quiet machine, and only when those ports are free.
/// </summary>
public sealed class StartUp(BenchOptions options, Report report)
{
    private const string Scenario = "0. Start-up";

    private static readonly (string Name, int Port)[] Services = [("api", 5080), ("worker", 5100), ("web", 5090)];

    public async Task RunAsync()
    {
        if (Services.Select(service => service.Port).Append(18888).FirstOrDefault(InUse) is var busy and not 0)
        {
            report.Note($"{Scenario}: skipped, port {busy} is in use (an AppHost of your own is running?).");
            return;
        }

        var data = Directory.CreateTempSubdirectory("onboarding-bench-startup-");
        File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var started = Stopwatch.GetTimestamp();
        List<(int Pid, string CommandLine)> processes = [];
        var apphost = ChildProcess.Start(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            ["run", "--project", Path.Combine(BenchOptions.RepositoryRoot, "Onboarding.AppHost"), "--no-build", "-c", Machine.Configuration, "--",
                $"LocalData:Directory={data.FullName}", "LocalData:PostgresPort=0", "LocalData:RedisPort=0"],
            _ => { });
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            foreach (var (_, port) in Services)
            {
                await UntilHealthyAsync(http, port, apphost);
            }

            var healthy = Samples.Milliseconds(started, Stopwatch.GetTimestamp()) / 1000;
            report.Add(new Result(Scenario, "dotnet run → every service healthy", healthy, null, "s", null, null,
                "Postgres and Redis started, the migrations applied, then Api, Worker and Web each answering /health; the build is not timed"));
            // Settle a little, as Memory's idle figure does, then read what each part holds.
            await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 1 : 5));
            processes = Processes(apphost.Id);
            foreach (var (part, mib) in MemoryByPart(processes))
            {
                report.Add(new Result(Scenario, $"memory: {part}", mib, null, "MiB", null, null, "resident, just after start"));
            }
        }
        finally
        {
            var stopping = Stopwatch.GetTimestamp();
            var tree = processes.Count > 0 ? processes.Select(process => process.Pid).ToList() : [apphost.Id];
            Process.Start("kill", ["-TERM", apphost.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            while (tree.Any(pid => Directory.Exists($"/proc/{pid}")) && Stopwatch.GetElapsedTime(stopping) < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            var left = tree.Count(pid => Directory.Exists($"/proc/{pid}"));
            report.Add(new Result(Scenario, "SIGTERM → no process left", Samples.Milliseconds(stopping, Stopwatch.GetTimestamp()) / 1000, null, "s", null, null,
                left == 0 ? "services first, then Redis and Postgres (a clean shutdown)" : $"{left} processes still running after 60 s"));
            await apphost.DisposeAsync();
            data.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Every process of the run: the CLI's tree, and the orchestrator's, which detaches from the AppHost (it watches the
    /// AppHost's process id instead) and is the parent of every resource.
    /// </summary>
    private static List<(int Pid, string CommandLine)> Processes(int dotnetRun)
    {
        var processes = ProcessMemory.Tree(dotnetRun).ToList();
        var apphosts = processes.Where(process => process.Pid != dotnetRun).Select(process => process.Pid).ToList();
        var orchestrator = ProcessMemory.All().FirstOrDefault(process =>
            process.CommandLine.Contains("dcp start-apiserver", StringComparison.Ordinal) && apphosts.Any(pid => process.CommandLine.Contains($"--monitor {pid} ", StringComparison.Ordinal)));
        if (orchestrator.Pid != 0)
        {
            processes.AddRange(ProcessMemory.Tree(orchestrator.Pid));
        }

        return processes;
    }

    /// <summary>What each part of the run holds, resident (Postgres: proportional, over its processes).</summary>
    private static Dictionary<string, double> MemoryByPart(List<(int Pid, string CommandLine)> processes)
    {
        var parts = new Dictionary<string, double>();
        foreach (var (pid, commandLine) in processes)
        {
            var part = commandLine switch
            {
                _ when commandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal) => "dashboard",
                _ when commandLine.Contains("/dcp ", StringComparison.Ordinal) => "orchestrator (dcp)",
                _ when commandLine.Contains("Onboarding.AppHost", StringComparison.Ordinal) && !commandLine.StartsWith("dotnet run", StringComparison.Ordinal) => "apphost",
                _ when commandLine.StartsWith("dotnet run", StringComparison.Ordinal) => "dotnet run (the CLI the orchestrator starts each project with)",
                _ when commandLine.Contains("postgres", StringComparison.Ordinal) => "postgres",
                _ when commandLine.Contains("redis-server", StringComparison.Ordinal) => "redis",
                _ => Services.FirstOrDefault(service => commandLine.Contains($"Onboarding.{char.ToUpperInvariant(service.Name[0])}{service.Name[1..]}", StringComparison.OrdinalIgnoreCase)).Name ?? "other",
            };
            // Postgres' backends are its children: the postmaster's proportional tree counts them once, shared memory shared out.
            if (part != "postgres" || !processes.Any(parent => parent.CommandLine.Contains("postgres", StringComparison.Ordinal) && ProcessMemory.Children(parent.Pid).Contains(pid)))
            {
                parts[part] = parts.GetValueOrDefault(part) + (part == "postgres" ? ProcessMemory.ProportionalTreeMiB(pid) : ProcessMemory.ResidentMiB(pid));
            }
        }

        return parts;
    }

    private static async Task UntilHealthyAsync(HttpClient http, int port, ChildProcess apphost)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var health = await http.GetAsync($"http://127.0.0.1:{port}/health");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not up yet.
            }

            if (apphost.Exited.IsCompleted || deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new InvalidOperationException($"The AppHost did not bring port {port} up (exited: {apphost.Exited.IsCompleted}).");
            }

            await Task.Delay(50);
        }
    }

    private static bool InUse(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
