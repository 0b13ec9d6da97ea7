namespace Onboarding.Data.Model;

/// <summary>
/// One generation of a user's context (the first scrape, each regenerate), kept as written so the dashboard can show
/// what changed between two. Written by the run in the transaction that puts the same context on the profile.
/// </summary>
public class ContextVersion
{
    public long Id { get; init; }

    public required string UserId { get; init; }

    public required string OrgId { get; init; }

    /// <summary>The run that generated it.</summary>
    public required string RunId { get; init; }

    /// <summary><see cref="JobKinds.Scrape"/> or <see cref="JobKinds.Regenerate"/>.</summary>
    public required string Kind { get; init; }

    public DateTimeOffset GeneratedAt { get; init; }

    public required CompanyContext CompanyContext { get; init; }

    public required MarketContext MarketContext { get; init; }

    public required IdealCustomerProfile Icp { get; init; }
}
