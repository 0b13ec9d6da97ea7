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
/// queues its validated events and waits; a committer loop takes everything that is waiting, locks those sessions in
/// one statement (in id order, so two loops never deadlock), extends each session's chain under its lock, writes every
/// row in one round trip and commits; only then does each request get its answer. A 202 still means committed with
/// <c>synchronous_commit</c> on; what is saved is one commit (and three round trips) per batch instead of per append.
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
            .CreateHistogram<int>("onboarding.appends.per_commit", description: "Append requests committed together in one transaction");
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

        _batchSizes.Record(batch.Count);
        foreach (var (sessionId, tip) in tips.Where(t => t.Value.Moved))
        {
            await _notifier.PublishAsync(sessionId, tip.LastSeq);
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
            await CommitAsync(connection, [pending]);
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
            else if (_options.RequireWriteToken && !Secrets.Matches(pending.WriteToken, tip.WriteTokenHash))
            {
                outcomes[i] = Errors.TokenInvalid();
            }
            else if (!tip.Claimed && now >= tip.ExpiresAt)
            {
                outcomes[i] = Errors.SessionExpired();
            }
            else
            {
                foreach (var e in pending.Events)
                {
                    tip.LastSeq++;
                    tip.HeadHash = EventChain.Next(tip.HeadHash, tip.LastSeq, e.Type, e.Ts, e.Payload);
                    rows.Add(pending.SessionId, tip.LastSeq, e, tip.HeadHash, now);
                }

                tip.Moved = true;
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

        public NpgsqlBatchCommand Insert(string sql) => new(sql)
        {
            Parameters =
            {
                new() { Value = _sessionIds.ToArray() },
                new() { Value = _seqs.ToArray() },
                new() { Value = _types.ToArray() },
                new() { Value = _ts.ToArray() },
                // Sent as text and stored as json: the payload's bytes are kept exactly as hashed.
                new() { Value = _payloads.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = _hashes.ToArray() },
                new() { Value = _receivedAt.ToArray() },
            },
        };
    }
}
