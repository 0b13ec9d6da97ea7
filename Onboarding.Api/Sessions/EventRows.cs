using Npgsql;
using NpgsqlTypes;

namespace Onboarding.Api.Sessions;

/// <summary>The batch's new rows, column by column, for one INSERT … SELECT FROM unnest.</summary>
internal sealed class EventRows(int capacity)
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
