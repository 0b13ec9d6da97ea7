using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Onboarding.Testing;

/// <summary>
/// Grows a session's chain by many events at once, straight in Postgres, for tests that need a long session in seconds
/// rather than the minutes the per-address append limit allows. Each event is hashed onto the stored tip by the chain's
/// documented definition (README), computed here, so a viewer verifying the session checks this code's arithmetic.
/// </summary>
public static class LongSession
{
    private const string LockTip = "SELECT last_seq, head_hash FROM agent_sessions WHERE id = $1 FOR UPDATE";

    private const string InsertEvents = """
        INSERT INTO session_events (session_id, seq, type, ts, payload, hash, received_at)
        SELECT $1, e.seq, e.type, e.ts, e.payload, e.hash, now()
          FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::json[], $6::bytea[]) AS e(seq, type, ts, payload, hash)
        """;

    private const string MoveTip = "UPDATE agent_sessions SET last_seq = $2, head_hash = $3 WHERE id = $1";

    /// <summary>Appends <paramref name="count"/> <c>onboarding.tick</c> events, one transaction, as an append would.</summary>
    public static async Task AppendAsync(string connectionString, string sessionId, int count, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long lastSeq;
        byte[] head;
        await using (var lockTip = new NpgsqlCommand(LockTip, connection, transaction) { Parameters = { new() { Value = sessionId } } })
        await using (var reader = await lockTip.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Session {sessionId} does not exist.");
            }

            lastSeq = reader.GetInt64(0);
            head = reader.GetFieldValue<byte[]>(1);
        }

        var seqs = new long[count];
        var types = new string[count];
        var times = new long[count];
        var payloads = new string[count];
        var hashes = new byte[count][];
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - count;
        for (var i = 0; i < count; i++)
        {
            seqs[i] = lastSeq + i + 1;
            types[i] = "onboarding.tick";
            times[i] = start + i;
            payloads[i] = string.Create(CultureInfo.InvariantCulture, $$"""{"n":{{seqs[i]}}}""");
            head = SHA256.HashData([.. head, .. Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seqs[i]}\n{types[i]}\n{times[i]}\n{payloads[i]}"))]);
            hashes[i] = head;
        }

        await using (var insert = new NpgsqlCommand(InsertEvents, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = sessionId });
            insert.Parameters.Add(new() { Value = seqs });
            insert.Parameters.Add(new() { Value = types });
            insert.Parameters.Add(new() { Value = times });
            insert.Parameters.Add(new() { Value = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var move = new NpgsqlCommand(MoveTip, connection, transaction))
        {
            move.Parameters.Add(new() { Value = sessionId });
            move.Parameters.Add(new() { Value = lastSeq + count });
            move.Parameters.Add(new() { Value = head });
            await move.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
