namespace Onboarding.Data.Model;

/// <summary>The statuses of an onboarding scrape, exactly as the workspace contract names them.</summary>
public static class ScrapeStatus
{
    public const string Pending = "pending";
    public const string LookingUp = "looking_up";
    public const string GatheringInfo = "gathering_info";
    public const string GeneratingContext = "generating_context";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool IsFinal(string status) => status is Completed or Failed;
}

/// <summary>
/// One onboarding scrape of a workspace's website (the workspace contract's <c>onboarding_sessions</c> row): created with its job,
/// moved through the statuses by the Worker. Not to be confused with an agent session (<see cref="AgentSession"/>).
/// </summary>
public class ScrapeSession
{
    /// <summary>A UUID, as the workspace contract specifies (version 7, so ids sort by creation).</summary>
    public Guid Id { get; init; }

    public required string OrgId { get; init; }

    public required string UserId { get; init; }

    /// <summary>The job that runs it, which is also the run's id.</summary>
    public required string RunId { get; init; }

    public required string Website { get; init; }

    public required string Email { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string Status { get; set; } = ScrapeStatus.Pending;

    public string? CompanyName { get; set; }

    /// <summary>The status the run was in when it failed.</summary>
    public string? ErrorStep { get; set; }

    /// <summary>Why it failed, for a person to read.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Distinct same-site links discovered so far.</summary>
    public int PagesFound { get; set; }

    public int PagesFetched { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>A user's workspace profile (the workspace contract's <c>user_profiles</c> row): who they are and what the scrape learned.</summary>
public class UserProfile
{
    public required string UserId { get; init; }

    public required string OrgId { get; init; }

    public required string Email { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Website { get; set; }

    public string? CompanyName { get; set; }

    public CompanyContext? CompanyContext { get; set; }

    public MarketContext? MarketContext { get; set; }

    public IdealCustomerProfile? Icp { get; set; }

    public UserContext? UserContext { get; set; }

    public ExtraContext? ExtraContext { get; set; }

    /// <summary>When the Worker last wrote the generated contexts.</summary>
    public DateTimeOffset? ContextGeneratedAt { get; set; }

    /// <summary>Stamped by <c>/api/context/regenerate</c>; the next is allowed 24 h later (docs/api/workspace.md).</summary>
    public DateTimeOffset? LastContextRegeneratedAt { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
