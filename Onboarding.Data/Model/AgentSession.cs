namespace Onboarding.Data.Model;

/// <summary>
/// A public onboarding session opened by a coding agent (docs/api/sessions.md). Its events form a hash chain;
/// <see cref="LastSeq"/> and <see cref="HeadHash"/> are the chain's tip, updated under the row lock
/// that serialises appends.
/// </summary>
public class AgentSession
{
    public required string Id { get; init; }

    /// <summary>SHA-256 of the write token; the token itself is never stored.</summary>
    public required byte[] WriteTokenHash { get; set; }

    public string? UserAgent { get; init; }

    public string? ProjectHint { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public long LastSeq { get; set; }

    public required byte[] HeadHash { get; set; }

    /// <summary>Bumped to revoke every view token issued so far.</summary>
    public int TokenGeneration { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }

    public string? ClaimedByOrg { get; set; }

    /// <summary>When the sweeper finished deleting the events of this expired, unclaimed session.</summary>
    public DateTimeOffset? EventsPurgedAt { get; set; }
}
