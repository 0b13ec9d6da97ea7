namespace Onboarding.Web.Services;

// The Api's workspace surface (docs/api/workspace.md), as the dashboard reads it. camelCase on the wire.

public sealed record MeView(MeOrg Org, MeUser User, string ApiKeyId);

public sealed record MeOrg(string Id, string Slug);

public sealed record MeUser(string Id, string Email);

public sealed record StartScrapingResult(Guid SessionId, string RunId);

public sealed record StatusView(ScrapeSessionView? Session);

public sealed record ScrapeSessionView(
    Guid Id, string Status, string? CompanyName, string? ErrorMessage, string? ErrorStep, string Website, string RunId, string? TraceId,
    int PagesFound, int PagesFetched, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt)
{
    public bool IsFinal => Status is "completed" or "failed";
}

public sealed record RunView(
    string RunId, string Kind, string State, int Attempts, int MaxAttempts, Guid? SessionId, string? LastError, string? TraceId,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public bool IsFinal => State is "succeeded" or "failed";
}

public sealed record RunsView(IReadOnlyList<RunView> Runs);

public sealed record RunStepView(string Name, string? Detail, string Outcome, int Attempt, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string? SpanId);

public sealed record RunDetailsView(RunView Run, IReadOnlyList<RunStepView> Steps);

/// <summary>Whether the site stated a field (<c>stated</c>) or the generator inferred it (<c>inferred</c>), from 0 to 1 sure.</summary>
public sealed record FieldEvidenceView(string Basis, double Confidence);

public sealed record OfferingView(string Name, string? Description);

public sealed record CompanyContextView(
    string Name, string Website, string? Tagline, string? Description, IReadOnlyList<OfferingView>? Products, IReadOnlyList<string>? Pricing,
    IReadOnlyList<string>? Customers, string? Headquarters, IReadOnlyDictionary<string, IReadOnlyList<string>>? Sources,
    IReadOnlyDictionary<string, FieldEvidenceView>? Evidence = null);

public sealed record MarketContextView(
    string? Category, IReadOnlyList<string>? Industries, IReadOnlyList<string>? ValuePropositions, IReadOnlyList<string>? Differentiators,
    IReadOnlyList<string>? Competitors, string? PricingModel, IReadOnlyDictionary<string, IReadOnlyList<string>>? Sources,
    IReadOnlyDictionary<string, FieldEvidenceView>? Evidence = null);

public sealed record IcpView(
    string? Summary, IReadOnlyList<string>? Industries, IReadOnlyList<string>? CompanySizes, IReadOnlyList<string>? Roles,
    IReadOnlyList<string>? PainPoints, IReadOnlyList<string>? UseCases, IReadOnlyList<string>? Regions,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Sources,
    IReadOnlyDictionary<string, FieldEvidenceView>? Evidence = null);

public sealed record ExtraContextView(string? Freeform);

public sealed record ContextView(
    string? Website, string? CompanyName, CompanyContextView? CompanyContext, MarketContextView? MarketContext, IcpView? Icp,
    ExtraContextView? ExtraContext, DateTimeOffset? ContextGeneratedAt, DateTimeOffset? LastContextRegeneratedAt);

public sealed record RegenerateResult(bool Success, string RunId, DateTimeOffset LastContextRegeneratedAt);

/// <summary>Why a dashboard call did not give its answer.</summary>
public enum WorkspaceProblem
{
    /// <summary>The key was revoked or rotated: sign in again.</summary>
    Unauthorized,

    /// <summary>The input was refused; the message says why.</summary>
    Invalid,

    /// <summary>Too many calls, or regenerate's 24 h window; <see cref="WorkspaceResult{T}.RetryAt"/> says when.</summary>
    RateLimited,

    /// <summary>The Api did not answer usefully.</summary>
    Unavailable,
}

public sealed record WorkspaceResult<T>(T? Value, WorkspaceProblem? Problem = null, string? Message = null, DateTimeOffset? RetryAt = null)
{
    public bool Ok => Problem is null;
}
