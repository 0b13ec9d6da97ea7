using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Onboarding.Api.Apis;
using Onboarding.Api.Sessions;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>
/// Appends to different sessions share commits (<see cref="AppendCommitter"/>). To put several requests into one commit
/// on purpose, each test holds the single committer on a session's row lock, queues its requests behind it, then lets go:
/// everything queued meanwhile goes into the next commit together.
/// </summary>
public sealed class AppendCommitterTests(OnboardingApiFactory factory) : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly WebApplicationFactory<SessionServices> _api = factory.WithSettings(("Onboarding:AppendCommitters", "1"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendsQueuedTogetherAreCommittedInOneTransactionAndEachIsStoredInItsChain()
    {
        // Arrange
        var client = new SessionsClient(_api.CreateClient());
        var sessions = await OpenAsync(client, 8);
        await using var held = await HoldTheCommitterAsync(client);

        // Act: ten appends queue behind the held one, two of them to the same session.
        var appends = sessions.Select((s, i) => client.AppendAsync(s, Batch(Event("onboarding.step", new { n = i }))))
            .Concat([client.AppendAsync(sessions[0], Batch(Event("onboarding.step", new { n = 8 }), Event("onboarding.step", new { n = 9 })))])
            .Concat([client.AppendAsync(sessions[0], Batch(Event("onboarding.step", new { n = 10 })))])
            .ToList();
        await Eventually.TrueAsync(() => Committer.Waiting == appends.Count, Patience, "the appends to queue");
        await held.ReleaseAsync();
        var responses = await Task.WhenAll(appends);

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        // Rows written by one transaction carry its id.
        Assert.Equal(1, await ScalarAsync<long>(
            "SELECT count(DISTINCT xmin::text) FROM session_events WHERE session_id = ANY($1) AND seq > 1", sessions.Select(s => s.Id).ToArray()));
        var first = await ReadRawAsync(client, sessions[0]);
        Assert.Contains("\"last_seq\":5,", first, StringComparison.Ordinal);
        Chain.AssertVerifies(first);
        foreach (var session in sessions.Skip(1))
        {
            Assert.Equal(2, (await client.ReadOkAsync(session))["last_seq"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task AnAppendTheDatabaseRefusesFailsAloneAndTheOthersInItsCommitAreStored()
    {
        // Arrange: the database refuses one marked event (a trigger stands in for any refusal after validation).
        var client = new SessionsClient(_api.CreateClient());
        var sessions = await OpenAsync(client, 6);
        var marker = "refuse-" + Guid.NewGuid().ToString("N");
        await using var trigger = await RefuseEventsMarkedAsync(marker);
        await using var held = await HoldTheCommitterAsync(client);

        // Act
        var appends = sessions.Select((s, i) =>
            client.AppendAsync(s, Batch(Event("onboarding.note", new { text = i == 2 ? marker : $"fine {i}" })))).ToList();
        await Eventually.TrueAsync(() => Committer.Waiting == appends.Count, Patience, "the appends to queue");
        await held.ReleaseAsync();
        var responses = await Task.WhenAll(appends);

        // Assert: they were one batch, it was refused, and only the marked append failed.
        Assert.Contains(factory.Logs.Entries, e => e.Contains($"A batch of {appends.Count} appends was refused", StringComparison.Ordinal));
        await AssertErrorAsync(responses[2], 500, "internal_error");
        Assert.All(responses.Where((_, i) => i != 2), r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        for (var i = 0; i < sessions.Count; i++)
        {
            var read = await ReadRawAsync(client, sessions[i]);
            Assert.Contains($"\"last_seq\":{(i == 2 ? 1 : 2)},", read, StringComparison.Ordinal);
            Chain.AssertVerifies(read);
        }
    }

    [Fact]
    public async Task AppendsOfUnknownOrWronglyAuthorisedSessionsInACommitAreRefusedAloneWithTheirOwnErrors()
    {
        var client = new SessionsClient(_api.CreateClient());
        var sessions = await OpenAsync(client, 3);
        await using var held = await HoldTheCommitterAsync(client);

        var appends = new List<Task<HttpResponseMessage>>
        {
            client.AppendAsync(sessions[0], Batch(Event("onboarding.step", new { n = 0 }))),
            client.AppendAsync(sessions[1], Batch(Event("onboarding.step", new { n = 1 })), writeToken: "wt_not-the-token"),
            client.AppendRawAsync("ses_01HRX9ZZZZZZZZZZZZZZZZZZZZ", """{"events":[{"type":"onboarding.step","ts":1,"payload":{}}]}""", "wt_whatever"),
            client.AppendAsync(sessions[2], Batch(Event("onboarding.step", new { n = 2 }))),
        };
        await Eventually.TrueAsync(() => Committer.Waiting == appends.Count, Patience, "the appends to queue");
        await held.ReleaseAsync();
        var responses = await Task.WhenAll(appends);

        Assert.Equal(HttpStatusCode.Accepted, responses[0].StatusCode);
        await AssertErrorAsync(responses[1], 401, "token_invalid");
        await AssertErrorAsync(responses[2], 404, "session_not_found");
        Assert.Equal(HttpStatusCode.Accepted, responses[3].StatusCode);
        Assert.Equal(1, (await client.ReadOkAsync(sessions[1]))["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task TwoInstancesTakingTurnsOnASessionKeepOneGapFreeChain()
    {
        // Arrange: a second Api with a committer of its own, so each instance's known tip goes stale in turn.
        await using var other = factory.WithSettings(("Onboarding:AppendCommitters", "1"), ("Onboarding:MaxAppendsPerCommit", "100"));
        using var ways = new CommitWays(_api.Services);
        using var otherWays = new CommitWays(other.Services);
        var here = new SessionsClient(_api.CreateClient());
        var there = new SessionsClient(other.CreateClient());
        var session = await here.OpenAsync();

        // Act: two appends here, two there, and so on; then both at once.
        for (var i = 0; i < 8; i++)
        {
            using var response = await (i / 2 % 2 == 0 ? here : there).AppendAsync(session, Batch(Event("onboarding.step", new { n = i })));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var together = await Task.WhenAll(Enumerable.Range(8, 20).Select(i =>
            (i % 2 == 0 ? here : there).AppendAsync(session, Batch(Event("onboarding.step", new { n = i })))));

        // Assert: each instance took both ways (known tip, and locked after the other moved it), and the chain holds.
        Assert.All(together, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.True(ways.Committed("known_tips") > 0 && ways.Committed("locked") > 0, ways.ToString());
        Assert.True(otherWays.Committed("known_tips") > 0 && otherWays.Committed("locked") > 0, otherWays.ToString());
        // A stale tip is caught by its sequence number, not by the primary key refusing a whole statement.
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Contains("known chains were refused", StringComparison.Ordinal));
        var read = await ReadRawAsync(here, session);
        Assert.Contains("\"last_seq\":29,", read, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 28), System.Text.Json.Nodes.JsonNode.Parse(read)!["events"]!.AsArray().Skip(1)
            .Select(e => e!["payload"]!["n"]!.GetValue<int>()).Order());
        Chain.AssertVerifies(read);
    }

    [Fact]
    public async Task AppendsToKnownChainsLockTheirSessionsInIdOrderSoTwoCommittersNeverWaitOnEachOtherInACircle()
    {
        // Arrange: two sessions whose tips this instance knows; the later id is queued first, and the earlier id's row is
        // held by another transaction.
        var client = new SessionsClient(_api.CreateClient());
        var sessions = (await OpenAsync(client, 2)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        var (earlier, later) = (sessions[0], sessions[1]);
        foreach (var session in new[] { later, earlier })
        {
            using var known = await client.AppendAsync(session, Batch(Event("onboarding.step", new { n = 0 })));
            Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        }

        await using var held = await HoldTheCommitterAsync(client);
        var appends = new List<Task<HttpResponseMessage>>();
        foreach (var session in new[] { later, earlier })
        {
            appends.Add(client.AppendAsync(session, Batch(Event("onboarding.step", new { n = 1 }))));
            await Eventually.TrueAsync(() => Committer.Waiting == appends.Count, Patience, "the append to queue");
        }

        await using var earlierRow = await LockRowAsync(earlier.Id);

        // Act: both go the known-tips way in one statement, which meets the held row.
        await held.ReleaseAsync();
        await WaitForWaiterAsync(earlierRow, "the known-tips commit to wait on the held row");

        // Assert: it waits before locking the later row, as the locked way (of this or any instance) would; had it locked
        // the later row first, a committer holding the earlier one and waiting for the later would close a circle.
        Assert.True(await CanLockNowAsync(later.Id), "The known-tips commit locked the later session before the earlier one.");
        await earlierRow.DisposeAsync();
        var responses = await Task.WhenAll(appends);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        foreach (var session in sessions)
        {
            var read = await ReadRawAsync(client, session);
            Assert.Contains("\"last_seq\":3,", read, StringComparison.Ordinal);
            Chain.AssertVerifies(read);
        }
    }

    [Fact]
    public async Task AKnownTipDoesNotOutliveAWriteTokenReplacedElsewhere()
    {
        // Arrange: a session opened with an Idempotency-Key, appended to twice, so its tip and token hash are known.
        var client = new SessionsClient(_api.CreateClient());
        var key = "open-" + Guid.NewGuid();
        var first = await OpenWithKeyAsync(client, key);
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.AppendAsync(first, Batch(Event("onboarding.step", new { n = i })));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // Act: the replayed open issues a new write token and revokes the first (not through the committer).
        var second = await OpenWithKeyAsync(client, key);
        using var withFirst = await client.AppendAsync(first, Batch(Event("onboarding.step", new { n = 2 })));
        using var withSecond = await client.AppendAsync(second, Batch(Event("onboarding.step", new { n = 3 })));

        // Assert
        await AssertErrorAsync(withFirst, 401, "token_invalid");
        Assert.Equal(HttpStatusCode.Accepted, withSecond.StatusCode);
        var read = await ReadRawAsync(client, first);
        Assert.Contains("\"last_seq\":4,", read, StringComparison.Ordinal);
        Chain.AssertVerifies(read);
    }

    [Fact]
    public async Task AKnownTipDoesNotOutliveTheSessionsExpiry()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = factory.WithSettings(("Onboarding:AppendCommitters", "1")).WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(time)));
        var client = new SessionsClient(api.CreateClient());
        var session = await client.OpenAsync();
        using (var known = await client.AppendAsync(session, Batch(Event("onboarding.step", new { n = 0 }))))
        {
            Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        }

        time.Advance(TimeSpan.FromDays(31));
        using var expired = await client.AppendAsync(session, Batch(Event("onboarding.step", new { n = 1 })));

        await AssertErrorAsync(expired, 410, "session_expired");
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    private static async Task<OpenedSession> OpenWithKeyAsync(SessionsClient client, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/onboarding/sessions") { Content = System.Net.Http.Json.JsonContent.Create(new { project_hint = "rotated" }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.Http.SendAsync(request, Cancel);
        var body = await ReadJsonAsync(response);
        return new OpenedSession(body["session_id"]!.GetValue<string>(), body["view_url"]!.GetValue<string>(), body["expires_at"]!.GetValue<long>(), body["write_token"]!.GetValue<string>());
    }

    private AppendCommitter Committer => _api.Services.GetRequiredService<AppendCommitter>();

    private static async Task<string> ReadRawAsync(SessionsClient client, OpenedSession session)
    {
        using var response = await client.ReadAsync(session.Id, session.ViewToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Cancel);
    }

    private static async Task<List<OpenedSession>> OpenAsync(SessionsClient client, int count)
    {
        var sessions = new List<OpenedSession>();
        for (var i = 0; i < count; i++)
        {
            sessions.Add(await client.OpenAsync());
        }

        return sessions;
    }

    /// <summary>
    /// Locks a session of its own and sends one append to it: the committer's batch waits on the lock (seen in
    /// pg_stat_activity), so whatever is appended meanwhile queues until <see cref="HeldCommitter.ReleaseAsync"/>.
    /// </summary>
    private async Task<HeldCommitter> HoldTheCommitterAsync(SessionsClient client)
    {
        var blocker = await client.OpenAsync();
        var row = await LockRowAsync(blocker.Id);
        var blocked = client.AppendAsync(blocker, Batch(Event("onboarding.step", new { blocker = true })));
        await WaitForWaiterAsync(row, "the committer to wait on the held session");
        return new HeldCommitter(row, blocked);
    }

    /// <summary>Waits until a backend waits for the held row: the committer, since no other test touches this session.</summary>
    private Task WaitForWaiterAsync(HeldRow row, string what) => Eventually.TrueAsync(
        async () => await ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", row.Pid) > 0,
        Patience, what);

    /// <summary>Locks a session's row in a transaction of its own, until disposed; without waiting, fails if it is held.</summary>
    private async Task<HeldRow> LockRowAsync(string sessionId, bool wait = true)
    {
        var connection = new NpgsqlConnection(factory.Infrastructure.PostgresConnectionString);
        await connection.OpenAsync(Cancel);
        var row = new HeldRow(connection, await connection.BeginTransactionAsync(Cancel));
        try
        {
            await using var lockRow = new NpgsqlCommand($"SELECT 1 FROM agent_sessions WHERE id = $1 FOR UPDATE{(wait ? "" : " NOWAIT")}", connection);
            lockRow.Parameters.Add(new() { Value = sessionId });
            await lockRow.ExecuteNonQueryAsync(Cancel);
            return row;
        }
        catch
        {
            await row.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether a session's row can be locked at once, that is, nobody holds it now.</summary>
    private async Task<bool> CanLockNowAsync(string sessionId)
    {
        try
        {
            await using var row = await LockRowAsync(sessionId, wait: false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }
    }

    /// <summary>A trigger that refuses any event whose payload holds the marker; dropped when disposed.</summary>
    private Task<SchemaChange> RefuseEventsMarkedAsync(string marker)
    {
        var name = marker.Replace('-', '_');
        return SchemaChange.ApplyAsync(factory, $$"""
            CREATE FUNCTION {{name}}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.payload::text LIKE '%{{marker}}%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER {{name}} BEFORE INSERT ON session_events FOR EACH ROW EXECUTE FUNCTION {{name}}();
            """, undo: $"DROP TRIGGER {name} ON session_events; DROP FUNCTION {name}();");
    }

    private async Task<T> ScalarAsync<T>(string sql, object? parameter = null)
    {
        await using var connection = new NpgsqlConnection(factory.Infrastructure.PostgresConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync(Cancel))!;
    }

    /// <summary>The row lock the committer waits on, and the append that is waiting; releasing lets both go.</summary>
    private sealed class HeldCommitter(HeldRow row, Task<HttpResponseMessage> blocked) : IAsyncDisposable
    {
        public async Task ReleaseAsync()
        {
            await row.DisposeAsync();
            using var response = await blocked;
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        public ValueTask DisposeAsync() => row.DisposeAsync();
    }

    /// <summary>A row lock held by an open transaction; disposing rolls it back (again is harmless).</summary>
    private sealed class HeldRow(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        /// <summary>The backend holding the lock.</summary>
        public int Pid { get; } = connection.ProcessID;

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
