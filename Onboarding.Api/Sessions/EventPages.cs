using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;

namespace Onboarding.Api.Sessions;

/// <summary>
/// One page of a session's events: a range scan of the primary key <c>(session_id, seq)</c>, forwards or backwards, of at
/// most <c>limit</c> events and at most <c>maxBytes</c> of payload, or the one event when it alone is larger
/// (docs/long-sessions.md). The bound counts each payload from its stored length, without reading it.
/// </summary>
internal static class EventPages
{
    public static async Task<(List<SessionEventView> Events, bool HasMore)> ReadAsync(
        OnboardingDbContext db, string sessionId, EventWindow window, int maxBytes, CancellationToken cancellationToken)
    {
        // The range is cut first (limit + 1 rows: the extra one tells whether more follow), then "found" counts it and
        // "through" sums the payload bytes up to each row in reading order: the page keeps the rows within the budget,
        // and always the first.
        var rows = window.Before is { } before
            ? db.Database.SqlQuery<EventRow>($"""
                SELECT seq, type, ts, payload, hash, found FROM (
                    SELECT *, count(*) OVER () AS found, row_number() OVER (ORDER BY seq DESC) AS n,
                           sum(octet_length(payload::text)) OVER (ORDER BY seq DESC) AS through
                    FROM (SELECT seq, type, ts, payload, hash FROM session_events
                          WHERE session_id = {sessionId} AND seq < {before}
                          ORDER BY seq DESC LIMIT {window.Limit + 1}) range) page
                WHERE through <= {maxBytes} OR n = 1
                ORDER BY seq DESC
                """)
            : db.Database.SqlQuery<EventRow>($"""
                SELECT seq, type, ts, payload, hash, found FROM (
                    SELECT *, count(*) OVER () AS found, row_number() OVER (ORDER BY seq) AS n,
                           sum(octet_length(payload::text)) OVER (ORDER BY seq) AS through
                    FROM (SELECT seq, type, ts, payload, hash FROM session_events
                          WHERE session_id = {sessionId} AND seq > {window.After}
                          ORDER BY seq LIMIT {window.Limit + 1}) range) page
                WHERE through <= {maxBytes} OR n = 1
                ORDER BY seq
                """);
        var page = await rows.ToListAsync(cancellationToken);
        var kept = page.Take(window.Limit).Select(View).ToList();
        var hasMore = page.Count > 0 && page[0].Found > kept.Count;
        if (window.Before is not null)
        {
            kept.Reverse();
        }

        return (kept, hasMore);
    }

    private static SessionEventView View(EventRow e) => new(e.Seq, e.Type, e.Ts, new RawJson(e.Payload), Convert.ToHexStringLower(e.Hash));

    private sealed record EventRow(long Seq, string Type, long Ts, string Payload, byte[] Hash, long Found);
}
