using Onboarding.Bench.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 7: resident memory of each service idle (just after start and a first request) and its peak under
/// scenario 1's heaviest load (64 clients appending), sampled every 200 ms. Redis (RSS) and Postgres (proportional set
/// size over all its processes, so shared buffers count once) are shown beside them for context.
/// </summary>
public sealed class Memory(BenchSystem system, BenchOptions options, Report report, EventAppend appends)
{
    private const string Scenario = "7. Memory";
    private Dictionary<string, double> _idle = [];

    /// <summary>Call right after the system started, before any load.</summary>
    public async Task RecordIdleAsync()
    {
        // Let start-up settle (the first health probes, JIT of start-up paths) before calling it idle.
        await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 1 : 5));
        _idle = Snapshot();
    }

    public async Task RunAsync()
    {
        await appends.PrepareAsync();
        var peak = new Dictionary<string, double>();
        using var stop = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var (name, mib) in Snapshot())
                {
                    peak[name] = Math.Max(peak.GetValueOrDefault(name), mib);
                }

                await Task.Delay(200, CancellationToken.None);
            }
        });
        var clients = BenchOptions.AppendClients.Max();
        var load = await appends.ClosedLoopAsync(clients);
        await stop.CancelAsync();
        await sampling;
        foreach (var (name, mib) in peak)
        {
            report.Add(new Result(Scenario, name, mib, null, "MiB", null, null,
                $"idle {_idle.GetValueOrDefault(name):0} MiB; peak under {clients} appending clients ({load.Rate:N0}/s){(name == "postgres" ? "; PSS over all its processes" : "")}"));
        }
    }

    private Dictionary<string, double> Snapshot()
    {
        var memory = ComposedApp.Services.ToDictionary(service => service, service => ProcessMemory.ResidentMiB(system.Service(service).ProcessId));
        memory["redis"] = ProcessMemory.ResidentMiB(system.RedisPid);
        memory["postgres"] = ProcessMemory.ProportionalTreeMiB(system.PostmasterPid);
        return memory;
    }
}
