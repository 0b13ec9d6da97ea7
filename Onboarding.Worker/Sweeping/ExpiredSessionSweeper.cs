using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Onboarding.Data.Infrastructure;

namespace Onboarding.Worker.Sweeping;

/// <summary>What one sweep removed.</summary>
public readonly record struct SweepResult(long EventsDeleted, int SessionsPurged, long IdempotencyKeysDeleted);

/// <summary>
/// Deletes the events of expired, unclaimed sessions (the session contract: "events written to it are deleted at expiry")
/// and idempotency records past their retention. Each batch is its own transaction, so a sweep killed midway
/// loses nothing and the next one carries on. The session row stays as a tombstone so readers get
/// <c>session_expired</c> rather than <c>session_not_found</c>.
/// </summary>
public sealed class ExpiredSessionSweeper(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<SweeperOptions> options,
    ILogger<ExpiredSessionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                var result = await SweepAsync(stoppingToken);
                if (result != default)
                {
                    logger.LogInformation(
                        "Swept {EventsDeleted} events of {SessionsPurged} expired sessions and {IdempotencyKeysDeleted} idempotency keys",
                        result.EventsDeleted, result.SessionsPurged, result.IdempotencyKeysDeleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Sweep failed; retrying in {Interval}", options.Value.Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OnboardingDbContext>();
        var now = time.GetUtcNow();
        var batch = options.Value.BatchSize;

        long eventsDeleted = 0;
        int deleted;
        do
        {
            // Locking the session row (skipping ones a claim holds) makes a claim and a sweep of the same
            // session exclude each other; the claimed_at test is re-checked once the lock is held.
            deleted = await db.Database.ExecuteSqlAsync($"""
                DELETE FROM session_events
                WHERE (session_id, seq) IN (
                    SELECT e.session_id, e.seq
                    FROM session_events e JOIN agent_sessions s ON s.id = e.session_id
                    WHERE s.expires_at <= {now} AND s.claimed_at IS NULL AND s.events_purged_at IS NULL
                    LIMIT {batch}
                    FOR UPDATE OF s SKIP LOCKED)
                """, cancellationToken);
            eventsDeleted += deleted;
        }
        while (deleted == batch);

        var sessionsPurged = await db.Database.ExecuteSqlAsync($"""
            UPDATE agent_sessions s SET events_purged_at = {now}
            WHERE s.expires_at <= {now} AND s.claimed_at IS NULL AND s.events_purged_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM session_events e WHERE e.session_id = s.id)
            """, cancellationToken);

        var keysBefore = now - options.Value.IdempotencyRetention;
        long keysDeleted = 0;
        do
        {
            deleted = await db.Database.ExecuteSqlAsync($"""
                DELETE FROM idempotency_keys
                WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < {keysBefore} LIMIT {batch})
                """, cancellationToken);
            keysDeleted += deleted;
        }
        while (deleted == batch);

        return new SweepResult(eventsDeleted, sessionsPurged, keysDeleted);
    }
}
