using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Onboarding.Api.Apis;
using Onboarding.Api.Sessions;
using Onboarding.IntegrationTests.Infrastructure;
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
        await WaitUntilAsync(() => Committer.Waiting == appends.Count, "the appends to queue");
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
        await WaitUntilAsync(() => Committer.Waiting == appends.Count, "the appends to queue");
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
        await WaitUntilAsync(() => Committer.Waiting == appends.Count, "the appends to queue");
        await held.ReleaseAsync();
        var responses = await Task.WhenAll(appends);

        Assert.Equal(HttpStatusCode.Accepted, responses[0].StatusCode);
        await AssertErrorAsync(responses[1], 401, "token_invalid");
        await AssertErrorAsync(responses[2], 404, "session_not_found");
        Assert.Equal(HttpStatusCode.Accepted, responses[3].StatusCode);
        Assert.Equal(1, (await client.ReadOkAsync(sessions[1]))["last_seq"]!.GetValue<long>());
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

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
        var connection = new NpgsqlConnection(factory.Infrastructure.PostgresConnectionString);
        await connection.OpenAsync(Cancel);
        var transaction = await connection.BeginTransactionAsync(Cancel);
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM agent_sessions WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(new() { Value = blocker.Id });
            await lockRow.ExecuteNonQueryAsync(Cancel);
        }

        var blocked = client.AppendAsync(blocker, Batch(Event("onboarding.step", new { blocker = true })));
        await WaitUntilAsync(
            async () => await ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM agent_sessions%FOR UPDATE%' AND pid <> pg_backend_pid()") > 0,
            "the committer to wait on the held session");
        return new HeldCommitter(connection, transaction, blocked);
    }

    /// <summary>A trigger that refuses any event whose payload holds the marker; dropped when disposed.</summary>
    private async Task<IAsyncDisposable> RefuseEventsMarkedAsync(string marker)
    {
        var name = marker.Replace('-', '_');
        await ExecuteAsync($$"""
            CREATE FUNCTION {{name}}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.payload::text LIKE '%{{marker}}%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER {{name}} BEFORE INSERT ON session_events FOR EACH ROW EXECUTE FUNCTION {{name}}();
            """);
        return new Cleanup(() => ExecuteAsync($"DROP TRIGGER {name} ON session_events; DROP FUNCTION {name}();"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(factory.Infrastructure.PostgresConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
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

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < Patience, $"Gave up waiting for {what}.");
            await Task.Delay(20, Cancel);
        }
    }

    /// <summary>The row lock the committer waits on, and the append that is waiting; releasing lets both go.</summary>
    private sealed class HeldCommitter(NpgsqlConnection connection, NpgsqlTransaction transaction, Task<HttpResponseMessage> blocked) : IAsyncDisposable
    {
        public async Task ReleaseAsync()
        {
            await transaction.RollbackAsync(Cancel);
            using var response = await blocked;
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private sealed class Cleanup(Func<Task> cleanup) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await cleanup();
    }
}
