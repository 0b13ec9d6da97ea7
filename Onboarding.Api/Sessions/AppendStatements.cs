namespace Onboarding.Api.Sessions;

/// <summary>The statements <see cref="AppendCommitter"/> sends; parameters $1 to $7 are always the new rows (<see cref="EventRows"/>).</summary>
internal static class AppendStatements
{
    // Locks the tips of the batch's chains; ORDER BY makes every loop lock in the same order.
    public const string LockSessions = """
        SELECT id, write_token_hash, expires_at, claimed_at, last_seq, head_hash
          FROM agent_sessions
         WHERE id = ANY($1)
         ORDER BY id
           FOR UPDATE
        """;

    public const string InsertEvents = """
        INSERT INTO session_events (session_id, seq, type, ts, payload, hash, received_at)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::json[], $6::bytea[], $7::timestamptz[])
        """;

    // The short way: moves each known tip only if it is still the one known (and the token and expiry still hold), then
    // writes the events of the chains moved; committed in the same round trip.
    public const string MoveKnownTipAndInsert = """
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
    public const string MoveKnownTipsAndInsert = """
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

    public const string MoveTips = """
        UPDATE agent_sessions AS s
           SET last_seq = t.last_seq, head_hash = t.head_hash
          FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS t(id, last_seq, head_hash)
         WHERE s.id = t.id
        """;
}
