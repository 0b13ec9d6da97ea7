namespace Onboarding.Data.Model;

/// <summary>
/// A request to turn a session into an org, confirmed through a magic link. Only the newest pending claim
/// of a session is valid: a new request supersedes the earlier ones.
/// </summary>
public class Claim
{
    public required string Id { get; init; }

    public required string SessionId { get; init; }

    /// <summary>Lowercase.</summary>
    public required string Email { get; init; }

    public required string OrgSlug { get; init; }

    /// <summary>SHA-256 of the link's token; the token itself is never stored.</summary>
    public required byte[] TokenHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? SupersededAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public string? OrgId { get; set; }
}

/// <summary>
/// An email waiting to be sent (the transactional outbox): written in the claim's transaction, sent by the
/// Worker, so a crash between commit and send loses nothing. The magic link is kept only sealed
/// (AES-GCM under a key derived from the token signing key) and wiped once the message is settled.
/// </summary>
public class OutboxEmail
{
    public long Id { get; init; }

    public required string ClaimId { get; init; }

    public required string To { get; init; }

    /// <summary>Sent to the provider so a retried send is delivered once (Resend's <c>Idempotency-Key</c>).</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The sealed magic link; null once sent or given up.</summary>
    public byte[]? SealedLink { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A sender holds the message until then; another may take it after.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Set when the provider refused the message or the attempts ran out.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    public string? LastError { get; set; }

    public string? ProviderMessageId { get; set; }
}
