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
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>();
    private readonly NpgsqlDataSource _dataSource;
    private readonly SessionNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly AgentSessionOptions _options;
    private readonly ILogger<AppendCommitter> _logger;
    private readonly Histogram<int> _batchSizes;
    private readonly Task[] _loops;

    private readonly KnownTips _knownTips = new();

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
        Dictionary<string, ChainTip> tips = new(StringComparer.Ordinal);
        HashSet<string> lockedWay = new(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            if (lockedWay.Contains(pending.SessionId) || tips.ContainsKey(pending.SessionId))
            {
                continue;
            }

            if (_knownTips.TryGet(pending.SessionId, out var known))
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
                if (tip.Refusal(pending.WriteToken, pending.Events.Count, now, _options, ahead) is not null)
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
                tip.Extend(pending.SessionId, pending.Events, rows, now);
            }
        }

        var moved = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(tips.Count == 1 ? AppendStatements.MoveKnownTipAndInsert : AppendStatements.MoveKnownTipsAndInsert, connection))
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
                _knownTips.Remember(sessionId, tip);
                await _notifier.PublishAsync(sessionId, tip.LastSeq);
            }
            else
            {
                _knownTips.Forget(sessionId);
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
        Dictionary<string, ChainTip> tips = [];
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
            _knownTips.Remember(sessionId, tip);
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

    private static async Task<Dictionary<string, ChainTip>> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] sessionIds)
    {
        await using var command = new NpgsqlCommand(AppendStatements.LockSessions, connection, transaction) { Parameters = { new() { Value = sessionIds } } };
        await using var reader = await command.ExecuteReaderAsync();
        var tips = new Dictionary<string, ChainTip>(sessionIds.Length, StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            tips[reader.GetString(0)] = new ChainTip(reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<DateTimeOffset>(2), Claimed: !reader.IsDBNull(3))
            {
                LastSeq = reader.GetInt64(4),
                HeadHash = reader.GetFieldValue<byte[]>(5),
            };
        }

        return tips;
    }

    /// <summary>Judges each request in arrival order against its session's tip, extends the chains, writes the rows.</summary>
    private async Task<Outcome<AppendEventsResponse>[]> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<PendingAppend> batch, Dictionary<string, ChainTip> tips)
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
            else if (tip.Refusal(pending.WriteToken, pending.Events.Count, now, _options) is { } refusal)
            {
                outcomes[i] = refusal;
            }
            else
            {
                tip.Extend(pending.SessionId, pending.Events, rows, now);
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
                    rows.Insert(AppendStatements.InsertEvents),
                    new NpgsqlBatchCommand(AppendStatements.MoveTips)
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
}
