namespace Onboarding.Data.Model;

// What the scrape learns about a workspace's company, stored on the user's profile as JSON (camelCase on the
// wire, like the rest of /api). Every list is empty rather than null when nothing was found, and Sources maps
// a field's name (camelCase, e.g. "description") to the URLs of the pages it came from; Evidence, keyed the
// same way, says whether the site stated the field or the generator inferred it, and how sure it is.

/// <summary>The company itself: who it is and what it sells.</summary>
public sealed record CompanyContext
{
    public required string Name { get; init; }

    public required string Website { get; init; }

    /// <summary>A one-line positioning statement, e.g. the home page's hero heading.</summary>
    public string? Tagline { get; init; }

    /// <summary>Two to four sentences on what the company does.</summary>
    public string? Description { get; init; }

    public IReadOnlyList<Offering> Products { get; init; } = [];

    /// <summary>Plans, prices and the pricing model, in the site's words (e.g. "Free", "Pro $29/month", "Contact sales").</summary>
    public IReadOnlyList<string> Pricing { get; init; } = [];

    /// <summary>Named customers, logos or case studies the site shows.</summary>
    public IReadOnlyList<string> Customers { get; init; } = [];

    public string? Headquarters { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Sources { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyDictionary<string, FieldEvidence> Evidence { get; init; } = new Dictionary<string, FieldEvidence>();
}

/// <summary>How a field is known: <c>stated</c> when a page says it in so many words, <c>inferred</c> when the
/// generator concluded it; <c>Confidence</c> runs from 0 to 1.</summary>
public sealed record FieldEvidence(string Basis, double Confidence)
{
    public const string Stated = "stated";
    public const string Inferred = "inferred";
}

/// <summary>A product or service the company offers.</summary>
public sealed record Offering(string Name, string? Description);

/// <summary>The market the company plays in.</summary>
public sealed record MarketContext
{
    /// <summary>The category, e.g. "Developer tools" or "Accounting software for restaurants".</summary>
    public string? Category { get; init; }

    public IReadOnlyList<string> Industries { get; init; } = [];

    public IReadOnlyList<string> ValuePropositions { get; init; } = [];

    public IReadOnlyList<string> Differentiators { get; init; } = [];

    /// <summary>Alternatives the site names or compares itself with.</summary>
    public IReadOnlyList<string> Competitors { get; init; } = [];

    /// <summary>e.g. "Subscription, per seat", "Usage-based", "Free tier + paid plans".</summary>
    public string? PricingModel { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Sources { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyDictionary<string, FieldEvidence> Evidence { get; init; } = new Dictionary<string, FieldEvidence>();
}

/// <summary>The Ideal Customer Profile: who buys, and why.</summary>
public sealed record IdealCustomerProfile
{
    /// <summary>One or two sentences naming the ideal customer.</summary>
    public string? Summary { get; init; }

    public IReadOnlyList<string> Industries { get; init; } = [];

    /// <summary>e.g. "Startups", "SMB", "Enterprise", "10–200 employees".</summary>
    public IReadOnlyList<string> CompanySizes { get; init; } = [];

    /// <summary>Buyers and users, e.g. "CTO", "Finance teams".</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    public IReadOnlyList<string> PainPoints { get; init; } = [];

    public IReadOnlyList<string> UseCases { get; init; } = [];

    public IReadOnlyList<string> Regions { get; init; } = [];

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Sources { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyDictionary<string, FieldEvidence> Evidence { get; init; } = new Dictionary<string, FieldEvidence>();
}

/// <summary>The person behind the workspace, as they described themselves (the workspace contract's <c>user_context</c>).</summary>
public sealed record UserContext
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    /// <summary>Recorded, not crawled: LinkedIn's robots.txt refuses crawlers.</summary>
    public string? LinkedinUrl { get; init; }

    public string? CompanyLinkedinUrl { get; init; }
}

/// <summary>What the user added by hand (the workspace contract's <c>extra_context</c>).</summary>
public sealed record ExtraContext
{
    public string? Freeform { get; init; }
}
