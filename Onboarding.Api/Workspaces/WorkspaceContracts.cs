using System.ComponentModel;
using Onboarding.Data.Model;

namespace Onboarding.Api.Workspaces;

// The authenticated workspace surface (docs/api/workspace.md): camelCase, timestamps in UTC ending in Z.

public sealed record StartScrapingRequest(
    [property: Description("The company's website, an absolute http(s) URL. Required.")] string? Website,
    [property: Description("Defaults to the API key's user.")] string? Email,
    [property: Description("Defaults to the email's local part (sid@acme.com → sid).")] string? FirstName,
    string? LastName);

public sealed record StartScrapingResponse(Guid SessionId, string RunId);

public sealed record StatusResponse(ScrapeSessionView? Session);

public sealed record ScrapeSessionView(
    Guid Id,
    [property: Description("pending, looking_up, gathering_info, generating_context, completed or failed.")] string Status,
    string? CompanyName,
    string? ErrorMessage,
    [property: Description("The status the run was in when it failed.")] string? ErrorStep,
    string Website,
    [property: Description("Keep for support: every span and log line of the run carries it.")] string RunId,
    [property: Description("The W3C trace id of the run.")] string? TraceId,
    [property: Description("Same-site links discovered so far.")] int PagesFound,
    int PagesFetched,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? CompletedAt);

public sealed record ContextResponse(
    string? Website,
    string? CompanyName,
    CompanyContext? CompanyContext,
    MarketContext? MarketContext,
    IdealCustomerProfile? Icp,
    UserContext? UserContext,
    ExtraContext ExtraContext,
    DateTime? ContextGeneratedAt,
    DateTime? LastContextRegeneratedAt);

/// <summary>Each context given replaces the stored one; those left out stay as they are.</summary>
public sealed record UpdateContextRequest(
    CompanyContext? CompanyContext,
    MarketContext? MarketContext,
    IdealCustomerProfile? Icp,
    UserContext? UserContext,
    ExtraContext? ExtraContext);

public sealed record RegenerateRequest(
    [property: Description("Website to crawl again. At least one of website or linkedinUrl is required.")] string? Website,
    [property: Description("Personal LinkedIn profile URL, recorded in userContext (LinkedIn itself is not crawled).")] string? LinkedinUrl,
    string? CompanyLinkedinUrl,
    [property: Description("Written to extraContext.freeform at once, before the run starts.")] string? FreeformContext);

public sealed record RegenerateResponse(bool Success, string RunId, DateTime LastContextRegeneratedAt);

/// <summary>The workspace contract's 429: the error envelope plus when the next regeneration is allowed.</summary>
public sealed record RegenerateRefusal(string Error, string Code, DateTime NextAvailableAt);

public sealed record RunView(
    string RunId,
    string Kind,
    [property: Description("queued, running, succeeded or failed.")] string State,
    int Attempts,
    int MaxAttempts,
    Guid? SessionId,
    string? LastError,
    string? TraceId,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt);

public sealed record RunStepView(string Name, string? Detail, string Outcome, int Attempt, DateTime StartedAt, DateTime EndedAt, string? SpanId);

public sealed record RunDetails(RunView Run, IReadOnlyList<RunStepView> Steps);

public sealed record RunsResponse(IReadOnlyList<RunView> Runs);
