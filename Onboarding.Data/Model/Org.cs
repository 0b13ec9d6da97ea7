namespace Onboarding.Data.Model;

/// <summary>A customer organisation, created when a session's claim is confirmed.</summary>
public class Org
{
    public required string Id { get; init; }

    /// <summary>Lowercase letters, digits and hyphens, 3–40 characters; unique and never changed.</summary>
    public required string Slug { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The agent session whose claim created the org.</summary>
    public required string CreatedFromSessionId { get; init; }

    /// <summary>Its <see cref="Plans"/> value; the interview's plan limits follow it (docs/api/interview.md).</summary>
    public string Plan { get; set; } = Plans.Trial;
}

/// <summary>An email domain bound to an org at claim time, so <c>/onboarding/lookup</c> can answer for it.</summary>
public class OrgDomain
{
    /// <summary>Normalised: lowercase ASCII (IDN as punycode), no trailing dot.</summary>
    public required string Domain { get; init; }

    public required string OrgId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A person of an org; the claiming developer is its first.</summary>
public class OrgUser
{
    public required string Id { get; init; }

    public required string OrgId { get; init; }

    /// <summary>Stored lowercase; unique across orgs.</summary>
    public required string Email { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An API key of an org. Only the SHA-256 of the key is stored; the key is shown once.</summary>
public class ApiKey
{
    public required string Id { get; init; }

    public required string OrgId { get; init; }

    /// <summary>The user the key acts for.</summary>
    public required string UserId { get; init; }

    /// <summary>The key's first characters, safe to show, e.g. <c>onb_a1b2c3d4</c>.</summary>
    public required string Prefix { get; init; }

    public required byte[] Hash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }
}
