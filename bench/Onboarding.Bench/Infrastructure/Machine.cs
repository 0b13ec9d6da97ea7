using System.Reflection;
using System.Runtime.InteropServices;

namespace Onboarding.Bench.Infrastructure;

/// <summary>Where the figures were taken: machine, versions, build, and the Postgres settings that bear on them.</summary>
public sealed record MachineDescription(List<KeyValuePair<string, string>> Facts, List<KeyValuePair<string, string>> PostgresSettings);

public static class Machine
{
    private static readonly string[] Settings =
    [
        "synchronous_commit", "fsync", "full_page_writes", "wal_sync_method", "commit_delay", "wal_level", "wal_buffers",
        "shared_buffers", "max_connections", "checkpoint_timeout", "max_wal_size", "work_mem", "effective_cache_size",
    ];

    public static async Task<MachineDescription> DescribeAsync(BenchSystem system)
    {
        var facts = new List<KeyValuePair<string, string>>
        {
            new("Commit", await FirstLineAsync("git", "-C", BenchOptions.RepositoryRoot, "describe", "--always", "--dirty")),
            new("CPU", $"{CpuModel()}, {Environment.ProcessorCount} cores"),
            new("Memory", $"{MemTotalGiB():0.0} GiB"),
            new("Kernel", $"{RuntimeInformation.OSDescription} ({File.ReadAllText("/proc/sys/kernel/osrelease").Trim()})"),
            new("Load average at start", File.ReadAllText("/proc/loadavg").Trim()),
            new(".NET", RuntimeInformation.FrameworkDescription),
            new("Service build", ServiceConfiguration()),
            new("Postgres", await ScalarAsync(system, "SELECT version()")),
            new("Redis", RedisVersion(system)),
            new("Chromium", system.Browser.Version),
            new("pgbench", await FirstLineAsync(Path.Combine(system.PostgresBin, "pgbench"), "--version")),
            new("curl", await FirstLineAsync("curl", "--version")),
        };
        var settings = new List<KeyValuePair<string, string>>();
        await using (var command = system.Postgres.CreateCommand(
            "SELECT name, setting || coalesce(' ' || unit, '') FROM pg_settings WHERE name = ANY($1) ORDER BY array_position($1, name)"))
        {
            command.Parameters.Add(new() { Value = Settings });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                settings.Add(new(reader.GetString(0), reader.GetString(1)));
            }
        }

        return new MachineDescription(facts, settings);
    }

    /// <summary>The build configuration of the bench, and so of the AppHost and services it starts (Debug or Release).</summary>
    public static string Configuration =>
        typeof(Machine).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == nameof(Configuration)).Value!;

    private static string ServiceConfiguration() =>
        Configuration + " (Api, Worker, Web each a process of its own, started by the AppHost's orchestrator, ASPNETCORE_ENVIRONMENT=Development)";

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static double MemTotalGiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(line => line.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0;

    private static async Task<string> ScalarAsync(BenchSystem system, string sql)
    {
        await using var command = system.Postgres.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static string RedisVersion(BenchSystem system) =>
        system.Redis.GetServers()[0].Info("server").SelectMany(group => group).FirstOrDefault(pair => pair.Key == "redis_version").Value ?? "unknown";

    private static async Task<string> FirstLineAsync(string program, params string[] arguments)
    {
        try
        {
            var (_, output) = await ChildProcess.RunAsync(program, arguments);
            return output.Split('\n')[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"unknown ({program} is not installed)";
        }
    }
}
