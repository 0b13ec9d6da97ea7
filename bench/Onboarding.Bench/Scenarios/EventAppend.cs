using Microsoft.AspNetCore.Http;
using Onboarding.Bench.Infrastructure;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 1: appends (POST → committed → 202), one event per request, each client writing to a session of its
/// own, at 1, 16 and 64 concurrent clients; beside pgbench inserting the same row into a copy of
/// <c>session_events</c> at the same concurrency. Then an open-loop run at half the peak rate for its latency.
/// At each concurrency the Api's floor is noted too: a request it answers without any work, to show how much of an
/// append's cost is HTTP itself.
/// </summary>
public sealed class EventAppend(BenchSystem system, BenchOptions options, Report report)
{
    private const string Scenario = "1. Event append";

    // The same row the Api writes: a canonical event's type, ts and compact payload, a 32-byte hash, the time received.
    private const string RawInsert = """
        INSERT INTO bench_raw_events (session_id, seq, type, ts, payload, hash, received_at)
        VALUES ('ses_bench_' || :client_id, nextval('bench_raw_seq'), 'onboarding.jurisdiction_selected', 1746478291000,
                '{"jurisdiction":"AE"}', decode('5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef', 'hex'), now());
        """;

    private readonly List<byte[]> _requests = [];
    private long _accepted;

    /// <summary>Sessions the load writes to, one per client; opened once.</summary>
    public List<AgentSession> Sessions { get; } = [];

    /// <summary>The highest append rate measured, for the runs at half of it.</summary>
    public double PeakRate { get; private set; }

    public void RecordPeak(double rate) => PeakRate = Math.Max(PeakRate, rate);

    public async Task RunAsync()
    {
        await PrepareAsync();
        foreach (var clients in BenchOptions.AppendClients)
        {
            await CpuUsage.SettleAsync(options.Settle);
            var ours = await ClosedLoopAsync(clients);
            await CpuUsage.SettleAsync(options.Settle);
            var floor = await FloorAsync(clients);
            await CpuUsage.SettleAsync(options.Settle);
            var raw = await Pgbench.RunAsync(system, RawInsert, clients, ["-T", Seconds(options.Window)]);
            RecordPeak(ours.Rate);
            var ratio = ours.Rate / raw.Tps;
            // Grouping needs company: a lone client has nothing to share its commit with.
            var grouped = clients > 1;
            report.Add(new Result(Scenario, $"{clients} client{(clients > 1 ? "s" : "")}", ours.Rate, raw.Tps, "events/s",
                grouped ? "≥ 0.5× raw; ≥ 1.0× grouped" : "≥ 0.5× raw",
                ratio >= 0.5 && (!grouped || ratio >= 1.0),
                $"ours {ours.Latency.Summary()}{Failures(ours)}; raw p50 {Samples.Ms(raw.Latency.P50)}, p99 {Samples.Ms(raw.Latency.P99)}"));
            report.Note($"{Scenario}, {clients} clients, CPU (% of one core) — ours: {ours.Cpu}; raw: {raw.Cpu}.");
            report.Note($"{Scenario}, {clients} clients, the Api's floor (GET /alive, answered without any work, on as many connections): "
                + $"{floor.Rate:N0}/s, {floor.Latency.Summary()}; CPU: {floor.Cpu}.");
        }

        await CpuUsage.SettleAsync(options.Settle);
        var half = await HalfPeakAsync(options.Window);
        report.Add(new Result(Scenario, $"half of peak, {PeakRate / 2:N0}/s open loop", half.Latency.P99, null, "ms",
            "p99 ≤ 50 ms", half.Latency.P99 <= 50 && half.Failed == 0, $"{half.Latency.Summary()}; {half.Rate:N0}/s done{Failures(half)}"));
        report.Note($"{Scenario}, half of peak, CPU (% of one core): {half.Cpu}.");
        await CheckEveryAcceptedAppendIsCommittedAsync();
    }

    /// <summary>The closed-loop load at a concurrency, each client on a connection of its own; also used by the memory scenario.</summary>
    public Task<LoadResult> ClosedLoopAsync(int clients) => ClosedLoopAsync(clients, client => _requests[client], Accepted);

    private Task<LoadResult> FloorAsync(int clients)
    {
        var alive = LeanHttpConnection.Request("GET", system.Api.BaseAddress, "/alive", null);
        return ClosedLoopAsync(clients, _ => alive, status => status == StatusCodes.Status200OK);
    }

    private async Task<LoadResult> ClosedLoopAsync(int clients, Func<int, byte[]> request, Func<int, bool> success)
    {
        var connections = new List<LeanHttpConnection>();
        try
        {
            for (var i = 0; i < clients; i++)
            {
                connections.Add(await LeanHttpConnection.ConnectAsync(system.Api.BaseAddress));
            }

            return await Load.ClosedLoopAsync(clients, options.Warmup, options.Window,
                async (client, ct) => success(await connections[client].SendAsync(request(client), ct)));
        }
        finally
        {
            connections.ForEach(connection => connection.Dispose());
        }
    }

    /// <summary>Appends at half the peak rate for <paramref name="window"/>, round-robin over the sessions (open loop).</summary>
    public async Task<LoadResult> HalfPeakAsync(TimeSpan window)
    {
        using var pool = new LeanHttpPool(system.Api.BaseAddress);
        return await Load.OpenLoopAsync(PeakRate / 2, options.Warmup, window,
            async (i, ct) => Accepted(await pool.SendAsync(_requests[(int)(i % _requests.Count)], ct)));
    }

    public async Task PrepareAsync()
    {
        if (Sessions.Count > 0)
        {
            return;
        }

        await using (var command = system.Postgres.CreateCommand("""
            DROP TABLE IF EXISTS bench_raw_events;
            CREATE TABLE bench_raw_events (LIKE session_events INCLUDING ALL);
            DROP SEQUENCE IF EXISTS bench_raw_seq;
            CREATE SEQUENCE bench_raw_seq;
            """))
        {
            await command.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < BenchOptions.AppendClients.Max(); i++)
        {
            var session = await system.Api.OpenSessionAsync();
            Sessions.Add(session);
            _requests.Add(LeanHttpConnection.Request(
                "POST", system.Api.BaseAddress, $"/onboarding/sessions/{session.Id}/events", session.WriteToken, OnboardingClient.OneEvent));
        }
    }

    private bool Accepted(int status)
    {
        if (status != StatusCodes.Status202Accepted)
        {
            return false;
        }

        Interlocked.Increment(ref _accepted);
        return true;
    }

    /// <summary>A 202 means committed: every one of them must be in the table, whatever batching did.</summary>
    private async Task CheckEveryAcceptedAppendIsCommittedAsync()
    {
        await using var command = system.Postgres.CreateCommand("SELECT count(*) FROM session_events WHERE session_id = ANY($1) AND seq > 1");
        command.Parameters.Add(new() { Value = Sessions.Select(s => s.Id).ToArray() });
        var stored = (long)(await command.ExecuteScalarAsync())!;
        var accepted = Interlocked.Read(ref _accepted);
        report.Note($"{Scenario}: {accepted:N0} appends answered 202 during the scenario and {stored:N0} events are stored for its sessions"
            + (stored == accepted ? " (every 202 was committed)." : " — MISMATCH: a 202 without its event is a bug."));
        if (stored != accepted)
        {
            throw new InvalidOperationException($"{accepted} appends were accepted but {stored} events are stored.");
        }
    }

    private static string Failures(LoadResult result) => result.Failed > 0 ? $"; {result.Failed:N0} FAILED" : "";

    private static string Seconds(TimeSpan duration) => ((int)Math.Ceiling(duration.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
