using System.ComponentModel.DataAnnotations;

namespace Onboarding.Worker.Sweeping;

public sealed class SweeperOptions
{
    public const string SectionName = "Sweeper";

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows deleted per transaction, so no sweep holds locks or bloats WAL for long.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long an Idempotency-Key's first response is kept for replay (Stripe: 24 h).</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromDays(1);
}
