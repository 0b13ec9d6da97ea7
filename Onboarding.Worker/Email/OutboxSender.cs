using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Onboarding.Data.Security;
using Onboarding.Worker.Infrastructure;

namespace Onboarding.Worker.Email;

/// <summary>What one round did with the messages it took.</summary>
public readonly record struct OutboxResult(int Sent, int Failed, int Retried);

/// <summary>
/// Sends the email outbox. The Api writes a row in the claim's transaction and notifies
/// <c>onboarding_outbox</c> on commit; this service LISTENs on a dedicated connection and also polls every
/// <see cref="EmailOptions.PollInterval"/>, so a lost notification only delays a message. Each round takes due rows
/// with <c>FOR UPDATE SKIP LOCKED</c> and a lock that expires, so any number of Worker replicas share the outbox and a
/// crashed sender's rows are taken again later, re-sent under the same idempotency key. Only the holder of the lock
/// may settle a row (fencing). The magic link is opened from its sealed box just before sending, wiped once the row
/// is settled, and never logged.
/// </summary>
public sealed class OutboxSender(
    NpgsqlDataSource dataSource,
    IEmailSender sender,
    LinkSealer sealer,
    TimeProvider time,
    IOptions<EmailOptions> options,
    ILogger<OutboxSender> logger) : BackgroundService
{
    /// <summary>The channel the Api notifies (<c>pg_notify</c>) when it commits an outbox row.</summary>
    public const string Channel = "onboarding_outbox";

    private static readonly TimeSpan BackoffBase = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BackoffCap = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryAfterCap = TimeSpan.FromHours(1);

    private static readonly Meter Meter = new(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName);
    private static readonly Counter<long> SentCounter = Meter.CreateCounter<long>("onboarding.emails.sent", description: "Emails the provider accepted");
    private static readonly Counter<long> FailedCounter = Meter.CreateCounter<long>("onboarding.emails.failed", description: "Emails rejected, given up or skipped");
    private static readonly Counter<long> RetriedCounter = Meter.CreateCounter<long>("onboarding.emails.retried", description: "Sends that failed transiently and will be retried");

    private readonly PostgresWakeUp _wakeUp = new(dataSource, Channel, time, logger);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = _wakeUp.ListenAsync(stoppingToken);
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var result = default(OutboxResult);
            try
            {
                result = await SendDueAsync(stoppingToken);
                if (result != default)
                {
                    logger.LogInformation("Outbox round: {Sent} sent, {Failed} failed, {Retried} to retry", result.Sent, result.Failed, result.Retried);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Outbox round failed; trying again in {PollInterval}", settings.PollInterval);
            }

            // A full batch means more may be due already.
            if (result.Sent + result.Failed + result.Retried < settings.BatchSize)
            {
                await _wakeUp.WaitAsync(settings.PollInterval, stoppingToken);
            }
        }

        await listening;
    }

    /// <summary>
    /// One round: takes up to <see cref="EmailOptions.BatchSize"/> due messages, sends each, and settles it. Safe to
    /// run from several senders at once: each message is taken by one of them.
    /// </summary>
    public async Task<OutboxResult> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = PostgresTime.Truncate(time.GetUtcNow());
        var lockedUntil = now + settings.LockDuration;
        var due = await TakeDueAsync(now, lockedUntil, settings.BatchSize, cancellationToken);

        int sent = 0, failed = 0, retried = 0;
        foreach (var message in due)
        {
            switch (await SendOneAsync(message, now, lockedUntil, settings, cancellationToken))
            {
                case Settled.Sent:
                    sent++;
                    SentCounter.Add(1);
                    break;
                case Settled.Failed:
                    failed++;
                    FailedCounter.Add(1);
                    break;
                case Settled.Retry:
                    retried++;
                    RetriedCounter.Add(1);
                    break;
            }
        }

        return new OutboxResult(sent, failed, retried);
    }

    private async Task<Settled> SendOneAsync(DueEmail message, DateTimeOffset now, DateTimeOffset lockedUntil, EmailOptions settings, CancellationToken cancellationToken)
    {
        if (message.SupersededAt is not null || message.ConfirmedAt is not null || message.ExpiresAt <= now)
        {
            return await FailAsync(message, lockedUntil, "claim superseded or expired");
        }

        if (message.Attempts > settings.MaxAttempts)
        {
            // Taken this often without being settled: its senders keep dying while sending it.
            return await FailAsync(message, lockedUntil, $"gave up after {settings.MaxAttempts} attempts");
        }

        var link = message.SealedLink is null ? null : sealer.Open(message.SealedLink, message.ClaimId);
        if (link is null)
        {
            logger.LogError("Outbox message {OutboxId} of claim {ClaimId} cannot be opened: sealed with another key", message.Id, message.ClaimId);
            return await FailAsync(message, lockedUntil, "sealed with another key");
        }

        var email = ClaimLinkEmail.Render(link, message.OrgSlug, message.To, message.ExpiresAt, message.IdempotencyKey);
        SendOutcome outcome;
        try
        {
            outcome = await sender.SendAsync(email, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Sending outbox message {OutboxId} threw", message.Id);
            outcome = new SendOutcome.Transient($"sender threw {e.GetType().Name}");
        }

        switch (outcome)
        {
            case SendOutcome.Sent(var providerId):
                if (!await SettleAsync(message, lockedUntil, """
                    UPDATE email_outbox
                    SET sent_at = @at, provider_message_id = @detail, sealed_link = NULL, locked_until = NULL, last_error = NULL
                    WHERE id = @id AND locked_until = @locked_until
                    """, time.GetUtcNow(), Truncate(providerId, 200)))
                {
                    return Settled.LockLost;
                }

                logger.LogInformation("Sent claim email {OutboxId} for claim {ClaimId} (attempt {Attempt}, provider id {ProviderMessageId})",
                    message.Id, message.ClaimId, message.Attempts, providerId);
                return Settled.Sent;

            case SendOutcome.Rejected(var reason):
                logger.LogWarning("The provider rejected claim email {OutboxId} for claim {ClaimId}: {Reason}", message.Id, message.ClaimId, reason);
                return await FailAsync(message, lockedUntil, reason);

            case SendOutcome.Transient(var reason, var retryAfter):
                if (message.Attempts >= settings.MaxAttempts)
                {
                    logger.LogWarning("Giving up claim email {OutboxId} for claim {ClaimId} after {Attempts} attempts: {Reason}", message.Id, message.ClaimId, message.Attempts, reason);
                    return await FailAsync(message, lockedUntil, $"gave up after {message.Attempts} attempts: {reason}");
                }

                var delay = retryAfter is { } wait ? Clamp(wait, TimeSpan.Zero, RetryAfterCap) : Backoff.WithFullJitter(message.Attempts, BackoffBase, BackoffCap);
                if (!await SettleAsync(message, lockedUntil, """
                    UPDATE email_outbox
                    SET next_attempt_at = @at, locked_until = NULL, last_error = @detail
                    WHERE id = @id AND locked_until = @locked_until
                    """, now + delay, Truncate(reason, 1000)))
                {
                    return Settled.LockLost;
                }

                logger.LogWarning("Claim email {OutboxId} for claim {ClaimId} not sent (attempt {Attempt}): {Reason}; retrying in {Delay}",
                    message.Id, message.ClaimId, message.Attempts, reason, delay);
                return Settled.Retry;

            default:
                throw new InvalidOperationException($"Unknown outcome {outcome}");
        }
    }

    /// <summary>Gives a message up for good; its link is wiped with it.</summary>
    private async Task<Settled> FailAsync(DueEmail message, DateTimeOffset lockedUntil, string reason) =>
        await SettleAsync(message, lockedUntil, """
            UPDATE email_outbox
            SET failed_at = @at, last_error = @detail, sealed_link = NULL, locked_until = NULL
            WHERE id = @id AND locked_until = @locked_until
            """, time.GetUtcNow(), Truncate(reason, 1000))
            ? Settled.Failed
            : Settled.LockLost;

    /// <summary>Runs one settling update, fenced by the lock this sender took; false when another holds the row now.</summary>
    private async Task<bool> SettleAsync(DueEmail message, DateTimeOffset lockedUntil, string sql, DateTimeOffset at, string? detail)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", message.Id);
        command.Parameters.AddWithValue("locked_until", lockedUntil);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("detail", (object?)detail ?? DBNull.Value);
        // Not cancelled by stopping: the provider has the message, and forgetting that would only send it again.
        if (await command.ExecuteNonQueryAsync(CancellationToken.None) == 1)
        {
            return true;
        }

        logger.LogWarning("Outbox message {OutboxId} was taken by another sender before this one settled it", message.Id);
        return false;
    }

    private async Task<List<DueEmail>> TakeDueAsync(DateTimeOffset now, DateTimeOffset lockedUntil, int batchSize, CancellationToken cancellationToken)
    {
        // Times come from the TimeProvider, not now(), so tests can move the clock. SKIP LOCKED lets concurrent
        // senders take disjoint rows; the re-checked WHERE keeps a row another sender just took from being taken twice.
        await using var command = dataSource.CreateCommand("""
            UPDATE email_outbox o
            SET locked_until = @locked_until, attempts = o.attempts + 1
            FROM claims c
            WHERE c.id = o.claim_id
              AND o.id IN (
                SELECT id FROM email_outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now
                  AND (locked_until IS NULL OR locked_until < @now)
                ORDER BY id
                LIMIT @batch
                FOR UPDATE SKIP LOCKED)
            RETURNING o.id, o.claim_id, o."to", o.idempotency_key, o.sealed_link, o.attempts,
                      c.org_slug, c.expires_at, c.superseded_at, c.confirmed_at
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("locked_until", lockedUntil);
        command.Parameters.AddWithValue("batch", batchSize);

        var due = new List<DueEmail>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueEmail(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4),
                reader.GetInt32(5),
                reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return due;
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    private enum Settled
    {
        Sent,
        Failed,
        Retry,
        LockLost,
    }

    private sealed record DueEmail(
        long Id,
        string ClaimId,
        string To,
        string IdempotencyKey,
        byte[]? SealedLink,
        int Attempts,
        string OrgSlug,
        DateTimeOffset ExpiresAt,
        DateTimeOffset? SupersededAt,
        DateTimeOffset? ConfirmedAt);
}
