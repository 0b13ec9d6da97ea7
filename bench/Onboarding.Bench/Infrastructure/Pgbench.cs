using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Onboarding.Bench.Infrastructure;

/// <summary>What pgbench measured: transactions per second (without connection time) and each transaction's latency.</summary>
public sealed record PgbenchResult(double Tps, long Transactions, Samples Latency, string Cpu);

/// <summary>
/// Runs Postgres' own <c>pgbench</c> with a custom script against the system's database, as the raw baseline:
/// prepared statements, one connection per client, the per-transaction log read back for latency percentiles.
/// </summary>
public static partial class Pgbench
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="clients"/> connections; <paramref name="limit"/> is <c>-T secs</c> or <c>-t count</c>.</summary>
    public static async Task<PgbenchResult> RunAsync(
        BenchSystem system, string script, int clients, string[] limit, CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("onboarding-pgbench-");
        try
        {
            var scriptPath = Path.Combine(directory.FullName, "script.sql");
            await File.WriteAllTextAsync(scriptPath, script, cancellationToken);
            var connection = new NpgsqlConnectionStringBuilder(system.App.PostgresConnectionString);
            var cpu = CpuUsage.Start();
            var (exitCode, output) = await ChildProcess.RunAsync(
                Path.Combine(system.PostgresBin, "pgbench"),
                [
                    "-h", connection.Host!, "-p", connection.Port.ToString(CultureInfo.InvariantCulture), "-U", connection.Username!,
                    "-n", "-M", "prepared",
                    "-c", clients.ToString(CultureInfo.InvariantCulture),
                    "-j", Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
                    "-f", scriptPath, "-l", "--log-prefix", Path.Combine(directory.FullName, "tx"),
                    .. limit,
                    connection.Database!,
                ],
                new Dictionary<string, string?> { ["PGPASSWORD"] = connection.Password },
                cancellationToken);
            var cpuUsed = cpu.Stop();
            if (exitCode != 0 || Tps().Match(output) is not { Success: true } tps)
            {
                throw new InvalidOperationException($"pgbench failed (exit {exitCode}):\n{output}");
            }

            var latency = new Samples();
            foreach (var log in directory.GetFiles("tx.*"))
            {
                // client_id transaction_no latency_us script_no epoch_s epoch_us
                foreach (var line in await File.ReadAllLinesAsync(log.FullName, cancellationToken))
                {
                    var fields = line.Split(' ');
                    if (fields.Length >= 3 && long.TryParse(fields[2], CultureInfo.InvariantCulture, out var microseconds))
                    {
                        latency.Add(microseconds / 1000.0);
                    }
                }
            }

            var transactions = long.Parse(Processed().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            return new PgbenchResult(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture), transactions, latency, cpuUsed);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex Processed();
}
