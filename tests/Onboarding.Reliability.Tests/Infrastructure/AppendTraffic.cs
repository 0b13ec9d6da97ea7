using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Onboarding.Bench.Infrastructure;

namespace Onboarding.Reliability.Tests.Infrastructure;

/// <summary>What a load run saw and what the database holds afterwards.</summary>
public sealed record AppendLedger(int Attempts, int Acknowledged, long Stored, int Lost, int Duplicated, int StoredUnacknowledged, string Statuses)
{
    public override string ToString() =>
        $"{Attempts} appends sent, {Acknowledged} acknowledged (2xx), {Stored} stored, {Lost} acknowledged but lost, {Duplicated} stored twice, "
        + $"{StoredUnacknowledged} stored without a 2xx (outcome unknown to the agent); answers: {Statuses}";
}

/// <summary>
/// Coding agents appending to sessions of their own across every Api instance (round robin), each event carrying a
/// unique mark, while a fault is injected. Half are careful agents: they send an Idempotency-Key and retry a failure
/// with the same key on the next instance (a retry of a request that did commit must not append twice). The others
/// send once. Bounded: each agent paces itself and stops when the run's time is up.
/// </summary>
public sealed class AppendTraffic
{
    private readonly ScaledSystem _system;
    private readonly ConcurrentDictionary<string, byte> _acknowledged = new();
    private readonly ConcurrentDictionary<string, int> _statuses = new();
    private readonly List<AgentSession> _sessions = [];
    private int _attempts;

    private AppendTraffic(ScaledSystem system) => _system = system;

    /// <summary>Opens the agents' sessions (before any fault), then appends for <paramref name="duration"/>.</summary>
    public static async Task<(AppendTraffic Traffic, Task Running)> StartAsync(ScaledSystem system, int agents, TimeSpan duration)
    {
        var traffic = new AppendTraffic(system);
        var clients = system.Clients;
        for (var i = 0; i < agents; i++)
        {
            traffic._sessions.Add(await clients[i % clients.Count].OpenSessionAsync(TestContext.Current.CancellationToken));
        }

        var until = DateTime.UtcNow + duration;
        var running = Task.WhenAll(Enumerable.Range(0, agents).Select(agent => Task.Run(() => traffic.AgentAsync(agent, clients, until))));
        return (traffic, running);
    }

    /// <summary>
    /// Reads back every mark: each acknowledged one must be stored exactly once, and none may be stored twice; and every
    /// answer was a 202, a 503 or none.
    /// </summary>
    public async Task<AppendLedger> AssertNothingLostAsync()
    {
        var stored = new Dictionary<string, long>();
        await using (var command = _system.Postgres.CreateCommand("""
            SELECT payload->>'mark', count(*) FROM session_events
             WHERE session_id = ANY($1) AND type = 'onboarding.reliability_mark'
             GROUP BY 1
            """))
        {
            command.Parameters.Add(new() { Value = _sessions.Select(s => s.Id).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                stored[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var ledger = new AppendLedger(
            _attempts,
            _acknowledged.Count,
            stored.Values.Sum(),
            _acknowledged.Keys.Count(mark => !stored.ContainsKey(mark)),
            stored.Count(pair => pair.Value > 1),
            stored.Keys.Count(mark => !_acknowledged.ContainsKey(mark)),
            string.Join(", ", _statuses.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} × {pair.Value}")));
        Assert.True(ledger.Acknowledged > 0, $"No append was acknowledged: {ledger}\n{_system.Log}");
        Assert.True(ledger.Lost == 0 && ledger.Duplicated == 0, $"{ledger}\n{_system.Log}");
        // A brief outage may answer 503 (retry) or nothing at all (the instance died); anything else is a bug.
        Assert.True(!_statuses.Keys.Any(s => s is not ("202" or "503" or "no answer")), $"Unexpected answers: {ledger}\n{_system.Log}");
        return ledger;
    }

    /// <summary>How many answers had this status (or failure name).</summary>
    public int Count(string status) => _statuses.GetValueOrDefault(status);


    private async Task AgentAsync(int agent, IReadOnlyList<OnboardingClient> clients, DateTime until)
    {
        var careful = agent % 2 == 0;
        var session = _sessions[agent];
        for (var i = 0; DateTime.UtcNow < until; i++)
        {
            var mark = $"{agent}-{i}";
            var key = careful ? $"rel-{session.Id}-{i}" : null;
            // A retry sends the very same body: the same key with another body would be refused.
            var body = $$$"""{"events":[{"type":"onboarding.reliability_mark","ts":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"payload":{"mark":"{{{mark}}}"}}]}""";
            for (var attempt = 0; attempt < (careful ? 20 : 1); attempt++)
            {
                if (await SendAsync(clients[(agent + i + attempt) % clients.Count], session, body, key))
                {
                    _acknowledged.TryAdd(mark, 0);
                    break;
                }

                await Task.Delay(250);
            }

            await Task.Delay(20);
        }
    }

    private async Task<bool> SendAsync(OnboardingClient client, AgentSession session, string body, string? idempotencyKey)
    {
        Interlocked.Increment(ref _attempts);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(client.BaseAddress, $"/onboarding/sessions/{session.Id}/events"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.WriteToken);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            using var response = await client.Http.SendAsync(request, timeout.Token);
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            _statuses.AddOrUpdate("no answer", 1, (_, n) => n + 1);
            return false;
        }
    }
}
