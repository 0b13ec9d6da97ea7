using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Onboarding.Data.Infrastructure;

namespace Onboarding.Api.Claims;

/// <summary>What became of a claim email by the time the request answers.</summary>
public enum DeliveryOutcome
{
    /// <summary>The provider accepted it.</summary>
    Sent,

    /// <summary>The provider refused it; the answer falls back to showing the link (the session contract's <c>send_failed</c>).</summary>
    Refused,

    /// <summary>Not settled yet; the Worker keeps trying.</summary>
    Pending,
}

/// <summary>
/// Whether claim links can be emailed at all, and the short wait for the Worker's first attempt. The Worker
/// owns sending (the outbox survives a crash of either side); the Api only watches the outbox row.
/// </summary>
public sealed class ClaimDelivery(OnboardingDbContext db, IConfiguration configuration, IOptions<ClaimOptions> options)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);

    /// <summary>Resend (<c>RESEND_API_KEY</c>, the session contract's name) or SMTP (<c>Email:Smtp:Host</c>) is configured.</summary>
    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(configuration["RESEND_API_KEY"]) || !string.IsNullOrWhiteSpace(configuration["Email:Smtp:Host"]);

    public async Task<DeliveryOutcome> WaitForOutcomeAsync(long messageId, CancellationToken cancellationToken)
    {
        // Wall-clock time on purpose: this is how long a client waits, whatever clock the domain uses.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var state = await db.OutboxEmails.AsNoTracking()
                .Where(m => m.Id == messageId)
                .Select(m => new { m.SentAt, m.FailedAt })
                .SingleAsync(cancellationToken);
            if (state.SentAt is not null)
            {
                return DeliveryOutcome.Sent;
            }

            if (state.FailedAt is not null)
            {
                return DeliveryOutcome.Refused;
            }

            if (waited.Elapsed >= options.Value.DeliveryWait)
            {
                return DeliveryOutcome.Pending;
            }

            await Task.Delay(PollEvery, cancellationToken);
        }
    }
}
