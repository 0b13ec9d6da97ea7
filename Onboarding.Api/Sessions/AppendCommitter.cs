using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Onboarding.Api.Infrastructure;
using Onboarding.Data.Infrastructure;

namespace Onboarding.Api.Sessions;

/// <summary>
/// Group commit for appends: concurrent appends, to any sessions, share one transaction and one commit. A request
/// queues its validated events and waits; a committer loop takes everything that is waiting and commits it; only then
/// does each request get its answer. A 202 still means committed with <c>synchronous_commit</c> on; what is saved is
/// one commit per batch instead of per append.
/// <para>
/// Sessions whose chain tip this instance knows from its last commit go the short way: their chains are extended from
/// the known tips and written in one statement that moves each tip only if it is still the one known (and the token
/// and expiry still hold), committed in the same round trip. A session whose tip moved elsewhere (another instance, a
/// claim), or that this instance has not seen yet, goes the locked way: its row is locked, its chain extended under
/// the lock, the rows written and committed (three round trips). Both ways lock several sessions' rows in id order, so
/// two committers (loops, or Api instances) never wait on each other in a circle.
/// </para>
/// A request the database refuses does not take its batch down: the batch is rolled back and each of its requests is
/// committed alone, so only the refused one fails.
/// </summary>
public sealed class AppendCommitter : IAsyncDisposable
{
    // Locks the tips of the batch's chains; ORDER BY makes every loop lock in the same order.
    private const string LockSessions = """
        SELECT id, write_token_hash, expires_at, claimed_at, last_seq, head_hash
          FROM agent_sessions
         WHERE id = ANY($1)
         ORDER BY id
           FOR UPDATE
        """;

    private const string InsertEvents = """
        INSERT INTO session_events (session_id, seq, type, ts, payload, hash, received_at)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::json[], $6::bytea[], $7::timestamptz[])
        """;

    // The short way: moves each known tip only if it is still the one known (and the token and expiry still hold), then
    // writes the events of the chains moved; committed in the same round trip.
    private const string MoveKnownTipAndInsert = """
        WITH moved AS (
          UPDATE agent_sessions AS s
             SET last_seq = t.last_seq, head_hash = t.head_hash
            FROM unnest($8::text[], $9::bigint[], $10::bigint[], $11::bytea[], $12::bytea[]) AS t(id, known_seq, last_seq, head_hash, token_hash)
           WHERE s.id = t.id AND s.last_seq = t.known_seq
             AND (t.token_hash IS NULL OR s.write_token_hash = t.token_hash)
             AND (s.claimed_at IS NOT NULL OR s.expires_at > $13)
          RETURNING s.id),
        """ + InsertMovedChains;

    // The same for several sessions, whose rows are locked in id order first, as the locked way locks them: an UPDATE
    // locks rows in whatever order its plan meets them, and two committers (loops, or Api instances) locking in different
    // orders could each hold a row the other waits for. A single row cannot close such a circle, so it skips the lock.
    private const string MoveKnownTipsAndInsert = """
        WITH tips AS (
          SELECT * FROM unnest($8::text[], $9::bigint[], $10::bigint[], $11::bytea[], $12::bytea[]) AS t(id, known_seq, last_seq, head_hash, token_hash)),
        still_known AS (
          SELECT s.id
            FROM agent_sessions AS s JOIN tips AS t ON s.id = t.id
           WHERE s.last_seq = t.known_seq
             AND (t.token_hash IS NULL OR s.write_token_hash = t.token_hash)
             AND (s.claimed_at IS NOT NULL OR s.expires_at > $13)
           ORDER BY s.id
             FOR UPDATE OF s),
        moved AS (
          UPDATE agent_sessions AS s
             SET last_seq = t.last_seq, head_hash = t.head_hash
            FROM tips AS t
           WHERE s.id = t.id AND s.id IN (SELECT id FROM still_known)
          RETURNING s.id),
        """ + InsertMovedChains;

    private const string InsertMovedChains = """
        written AS (
          INSERT INTO session_events (session_id, seq, type, ts, payload, hash, received_at)
          SELECT e.* FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::json[], $6::bytea[], $7::timestamptz[])
                 AS e(session_id, seq, type, ts, payload, hash, received_at)
           WHERE e.session_id IN (SELECT id FROM moved))
        SELECT id FROM moved
        """;

    // Tips are small; past this many the cache starts over rather than track which sessions went quiet.
    private const int MaxKnownTips = 10_000;

    private const string MoveTips = """
        UPDATE agent_sessions AS s
           SET last_seq = t.last_seq, head_hash = t.head_hash
          FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS t(id, last_seq, head_hash)
         WHERE s.id = t.id
        """;

    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>();
    private readonly NpgsqlDataSource _dataSource;
    private readonly SessionNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly AgentSessionOptions _options;
    private readonly ILogger<AppendCommitter> _logger;
    private readonly Histogram<int> _batchSizes;
    private readonly Task[] _loops;

    // Each session's tip as of this instance's last commit to it: the short way's starting point.
    private readonly ConcurrentDictionary<string, Tip> _knownTips = new(StringComparer.Ordinal);

    public AppendCommitter(
        NpgsqlDataSource dataSource, SessionNotifier notifier, TimeProvider time, IOptions<AgentSessionOptions> options,
        IMeterFactory meters, ILogger<AppendCommitter> logger)
    {
        _dataSource = dataSource;
        _notifier = notifier;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _batchSizes = meters.Create(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName)
            .CreateHistogram<int>("onboarding.appends.per_commit", description: "Append requests committed together in one transaction (tag way: known_tips or locked)");
        _loops = Enumerable.Range(0, _options.AppendCommitters).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>Appends the events to the session's chain; completes once they are committed (or refused).</summary>
    public Task<Outcome<AppendEventsResponse>> AppendAsync(string sessionId, string? writeToken, IReadOnlyList<ValidatedEvent> events)
    {
        var pending = new PendingAppend(sessionId, writeToken, events);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(AppendCommitter), "The Api is shutting down.");
        }

        return pending.Answer.Task;
    }

    /// <summary>Appends queued and not yet taken into a commit.</summary>
    internal int Waiting => _queue.Reader.Count;

    /// <summary>Stops taking appends and commits those already queued (the server has stopped sending new ones by then).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }

    private async Task RunAsync()
    {
        NpgsqlConnection? connection = null;
        var batch = new List<PendingAppend>(_options.MaxAppendsPerCommit);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxAppendsPerCommit && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                // One connection per loop, kept: no pool round trip or connection reset per batch.
                connection ??= await _dataSource.OpenConnectionAsync();
                await CommitAsync(connection, batch);
            }
            catch (Exception e)
            {
                // The connection may be broken; the next batch opens a new one (from a cleared pool if Postgres went away).
                _logger.LogError(e, "Committing {Count} appends failed", batch.Count);
                ConnectionLoss.ClearPoolOn(e, _dataSource);
                await DisposeQuietlyAsync(connection);
                connection = null;
                foreach (var pending in batch)
                {
                    pending.Answer.TrySetException(e);
                }
            }
        }

        await DisposeQuietlyAsync(connection);
    }

    private async Task CommitAsync(NpgsqlConnection connection, List<PendingAppend> batch)
    {
        var rest = await CommitFromKnownTipsAsync(connection, batch);
        if (rest.Count > 0)
        {
            await CommitLockedAsync(connection, rest);
        }
    }

    /// <summary>
    /// The short way, for the sessions whose tips are known: one statement, one round trip, its own commit. Returns the
    /// requests left for the locked way, in arrival order: sessions not known, or whose tip, token or expiry no longer
    /// hold. All of a session's requests go the same way.
    /// </summary>
    private async Task<List<PendingAppend>> CommitFromKnownTipsAsync(NpgsqlConnection connection, List<PendingAppend> batch)
    {
        var now = _time.GetUtcNow();
        Dictionary<string, Tip> tips = new(StringComparer.Ordinal);
        HashSet<string> lockedWay = new(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            if (lockedWay.Contains(pending.SessionId) || tips.ContainsKey(pending.SessionId))
            {
                continue;
            }

            if (_knownTips.TryGetValue(pending.SessionId, out var known))
            {
                tips[pending.SessionId] = known with { };
            }
            else
            {
                lockedWay.Add(pending.SessionId);
            }
        }

        // What the known tip refuses may be stale (a new token, a claim): the locked way gives the authoritative answer.
        // The events ahead of a request in this batch count towards its session's maximum.
        var queued = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            if (tips.TryGetValue(pending.SessionId, out var tip))
            {
                var ahead = queued.GetValueOrDefault(pending.SessionId);
                queued[pending.SessionId] = ahead + pending.Events.Count;
                if (Refusal(pending, tip, now, ahead) is not null)
                {
                    tips.Remove(pending.SessionId);
                    lockedWay.Add(pending.SessionId);
                }
            }
        }

        if (tips.Count == 0)
        {
            return batch;
        }

        var knownSeqs = tips.ToDictionary(t => t.Key, t => t.Value.LastSeq, StringComparer.Ordinal);
        var rows = new EventRows(batch.Sum(p => p.Events.Count));
        foreach (var pending in batch)
        {
            if (tips.TryGetValue(pending.SessionId, out var tip))
            {
                Extend(tip, pending, rows, now);
            }
        }

        var moved = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(tips.Count == 1 ? MoveKnownTipAndInsert : MoveKnownTipsAndInsert, connection))
        {
            rows.AddParameters(command.Parameters);
            command.Parameters.Add(new() { Value = tips.Keys.ToArray() });
            command.Parameters.Add(new() { Value = tips.Keys.Select(id => knownSeqs[id]).ToArray() });
            command.Parameters.Add(new() { Value = tips.Values.Select(t => t.LastSeq).ToArray() });
            command.Parameters.Add(new() { Value = tips.Values.Select(t => t.HeadHash).ToArray() });
            command.Parameters.Add(new() { Value = tips.Values.Select(t => _options.RequireWriteToken ? t.WriteTokenHash : null).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            command.Parameters.Add(new() { Value = now });
            try
            {
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    moved.Add(reader.GetString(0));
                }
            }
            // Nothing of the statement was saved; the locked way sorts out which request the database refuses.
            catch (PostgresException e) when (!ConnectionLoss.Is(e))
            {
                _logger.LogWarning(e, "Appends to {Count} known chains were refused ({SqlState}); taking the locked way", tips.Count, e.SqlState);
            }
        }

        var rest = new List<PendingAppend>();
        var answered = 0;
        foreach (var pending in batch)
        {
            if (moved.Contains(pending.SessionId))
            {
                pending.Answer.TrySetResult(new AppendEventsResponse(pending.Events.Count));
                answered++;
            }
            else
            {
                rest.Add(pending);
            }
        }

        foreach (var (sessionId, tip) in tips)
        {
            if (moved.Contains(sessionId))
            {
                Remember(sessionId, tip);
                await _notifier.PublishAsync(sessionId, tip.LastSeq);
            }
            else
            {
                _knownTips.TryRemove(sessionId, out _);
            }
        }

        if (answered > 0)
        {
            _batchSizes.Record(answered, new KeyValuePair<string, object?>("way", "known_tips"));
        }

        return rest;
    }

    private async Task CommitLockedAsync(NpgsqlConnection connection, List<PendingAppend> batch)
    {
        Dictionary<string, Tip> tips = [];
        Outcome<AppendEventsResponse>[] outcomes = [];
        var refused = false;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            try
            {
                tips = await LockAsync(connection, transaction, batch.Select(p => p.SessionId).Distinct().ToArray());
                outcomes = await WriteAsync(connection, transaction, batch, tips);
            }
            // A lost connection is no refusal: it fails the whole batch below, and the next batch gets a new connection.
            catch (PostgresException e) when (batch.Count > 1 && !ConnectionLoss.Is(e))
            {
                _logger.LogWarning(e, "A batch of {Count} appends was refused ({SqlState}); committing them one by one", batch.Count, e.SqlState);
                refused = true;
            }

            // A failure of the commit itself leaves the outcome unknown: the requests fail (500) rather than risk being
            // written twice. A transaction left uncommitted is rolled back when disposed.
            if (!refused)
            {
                await transaction.CommitAsync();
            }
        }

        if (refused)
        {
            // Nothing of the batch was saved: commit each request alone, so only the one the database refuses fails.
            foreach (var pending in batch)
            {
                await CommitAloneAsync(connection, pending);
            }

            return;
        }

        _batchSizes.Record(batch.Count, new KeyValuePair<string, object?>("way", "locked"));
        foreach (var (sessionId, tip) in tips)
        {
            Remember(sessionId, tip);
            if (tip.Moved)
            {
                await _notifier.PublishAsync(sessionId, tip.LastSeq);
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Answer.TrySetResult(outcomes[i]);
        }
    }

    private async Task CommitAloneAsync(NpgsqlConnection connection, PendingAppend pending)
    {
        try
        {
            await CommitLockedAsync(connection, [pending]);
        }
        catch (PostgresException e)
        {
            _logger.LogError(e, "An append to session {SessionId} was refused by the database", pending.SessionId);
            pending.Answer.TrySetException(e);
        }
    }

    private static async Task<Dictionary<string, Tip>> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] sessionIds)
    {
        await using var command = new NpgsqlCommand(LockSessions, connection, transaction) { Parameters = { new() { Value = sessionIds } } };
        await using var reader = await command.ExecuteReaderAsync();
        var tips = new Dictionary<string, Tip>(sessionIds.Length, StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            tips[reader.GetString(0)] = new Tip(reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<DateTimeOffset>(2), Claimed: !reader.IsDBNull(3))
            {
                LastSeq = reader.GetInt64(4),
                HeadHash = reader.GetFieldValue<byte[]>(5),
            };
        }

        return tips;
    }

    /// <summary>Judges each request in arrival order against its session's tip, extends the chains, writes the rows.</summary>
    private async Task<Outcome<AppendEventsResponse>[]> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<PendingAppend> batch, Dictionary<string, Tip> tips)
    {
        var now = _time.GetUtcNow();
        var outcomes = new Outcome<AppendEventsResponse>[batch.Count];
        var rows = new EventRows(batch.Sum(p => p.Events.Count));
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (!tips.TryGetValue(pending.SessionId, out var tip))
            {
                outcomes[i] = Errors.SessionNotFound();
            }
            else if (Refusal(pending, tip, now) is { } refusal)
            {
                outcomes[i] = refusal;
            }
            else
            {
                Extend(tip, pending, rows, now);
                outcomes[i] = new AppendEventsResponse(pending.Events.Count);
            }
        }

        if (rows.Count > 0)
        {
            var moved = tips.Where(t => t.Value.Moved).ToList();
            await using var write = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    rows.Insert(InsertEvents),
                    new NpgsqlBatchCommand(MoveTips)
                    {
                        Parameters =
                        {
                            new() { Value = moved.Select(t => t.Key).ToArray() },
                            new() { Value = moved.Select(t => t.Value.LastSeq).ToArray() },
                            new() { Value = moved.Select(t => t.Value.HeadHash).ToArray() },
                        },
                    },
                },
            };
            await write.ExecuteNonQueryAsync();
        }

        return outcomes;
    }

    /// <summary>Why the session refuses this request, judged against its tip; null when it may append.</summary>
    private JsonHttpResult<ApiError>? Refusal(PendingAppend pending, Tip tip, DateTimeOffset now, int eventsAhead = 0)
    {
        if (_options.RequireWriteToken && !Secrets.Matches(pending.WriteToken, tip.WriteTokenHash))
        {
            return Errors.TokenInvalid();
        }

        if (!tip.Claimed && now >= tip.ExpiresAt)
        {
            return Errors.SessionExpired();
        }

        return tip.LastSeq + eventsAhead + pending.Events.Count > _options.MaxEventsPerSession ? Errors.SessionFull(_options.MaxEventsPerSession) : null;
    }

    /// <summary>Extends the session's chain by the request's events and adds their rows.</summary>
    private static void Extend(Tip tip, PendingAppend pending, EventRows rows, DateTimeOffset now)
    {
        foreach (var e in pending.Events)
        {
            tip.LastSeq++;
            tip.HeadHash = EventChain.Next(tip.HeadHash, tip.LastSeq, e.Type, e.Ts, e.Payload);
            rows.Add(pending.SessionId, tip.LastSeq, e, tip.HeadHash, now);
        }

        tip.Moved = true;
    }

    /// <summary>Keeps a committed tip as the session's known one, for its next batch.</summary>
    private void Remember(string sessionId, Tip tip)
    {
        if (_knownTips.Count >= MaxKnownTips && !_knownTips.ContainsKey(sessionId))
        {
            _knownTips.Clear();
        }

        _knownTips[sessionId] = tip with { Moved = false };
    }

    private static async Task DisposeQuietlyAsync(NpgsqlConnection? connection)
    {
        if (connection is not null)
        {
            try
            {
                await connection.DisposeAsync();
            }
            catch (NpgsqlException)
            {
                // Already broken.
            }
        }
    }

    private sealed record PendingAppend(string SessionId, string? WriteToken, IReadOnlyList<ValidatedEvent> Events)
    {
        public TaskCompletionSource<Outcome<AppendEventsResponse>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A session's chain tip as locked, moved along as the batch's events are appended to it.</summary>
    private sealed record Tip(byte[] WriteTokenHash, DateTimeOffset ExpiresAt, bool Claimed)
    {
        public long LastSeq { get; set; }

        public required byte[] HeadHash { get; set; }

        /// <summary>Whether the batch appended to this chain.</summary>
        public bool Moved { get; set; }
    }

    /// <summary>The batch's new rows, column by column, for one INSERT … SELECT FROM unnest.</summary>
    private sealed class EventRows(int capacity)
    {
        private readonly List<string> _sessionIds = new(capacity);
        private readonly List<long> _seqs = new(capacity);
        private readonly List<string> _types = new(capacity);
        private readonly List<long> _ts = new(capacity);
        private readonly List<string> _payloads = new(capacity);
        private readonly List<byte[]> _hashes = new(capacity);
        private readonly List<DateTimeOffset> _receivedAt = new(capacity);

        public int Count => _seqs.Count;

        public void Add(string sessionId, long seq, ValidatedEvent e, byte[] hash, DateTimeOffset receivedAt)
        {
            _sessionIds.Add(sessionId);
            _seqs.Add(seq);
            _types.Add(e.Type);
            _ts.Add(e.Ts);
            _payloads.Add(e.Payload);
            _hashes.Add(hash);
            _receivedAt.Add(receivedAt);
        }

        public NpgsqlBatchCommand Insert(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            AddParameters(command.Parameters);
            return command;
        }

        /// <summary>The columns as parameters $1 to $7.</summary>
        public void AddParameters(NpgsqlParameterCollection parameters)
        {
            parameters.Add(new() { Value = _sessionIds.ToArray() });
            parameters.Add(new() { Value = _seqs.ToArray() });
            parameters.Add(new() { Value = _types.ToArray() });
            parameters.Add(new() { Value = _ts.ToArray() });
            // Sent as text and stored as json: the payload's bytes are kept exactly as hashed.
            parameters.Add(new() { Value = _payloads.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            parameters.Add(new() { Value = _hashes.ToArray() });
            parameters.Add(new() { Value = _receivedAt.ToArray() });
        }
    }
}
