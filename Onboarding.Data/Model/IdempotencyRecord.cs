namespace Onboarding.Data.Model;

/// <summary>
/// The first response to a request that carried an <c>Idempotency-Key</c>, replayed for retries
/// with the same key and body (Stripe's model). Written in the same transaction as the effect.
/// </summary>
public class IdempotencyRecord
{
    /// <summary>What the key is scoped to, e.g. <c>sessions</c> or <c>events:ses_…</c>.</summary>
    public required string Scope { get; init; }

    public required string Key { get; init; }

    /// <summary>SHA-256 of the request body, so a reused key with another body is refused.</summary>
    public required byte[] RequestHash { get; init; }

    public int StatusCode { get; set; }

    public required string ResponseBody { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
