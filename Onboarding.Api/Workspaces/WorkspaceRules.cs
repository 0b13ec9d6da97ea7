using Onboarding.Api.Claims;
using Onboarding.Data.Model;

namespace Onboarding.Api.Workspaces;

/// <summary>What the workspace surface accepts.</summary>
public static class WorkspaceRules
{
    public const int MaxUrlLength = 2048;
    public const int MaxNameLength = 100;

    /// <summary>A company's name names its profile and its projects, in columns of this many characters.</summary>
    public const int MaxCompanyNameLength = 200;
    public const int MaxFreeformLength = 10_000;

    /// <summary>An absolute http(s) URL with a host and no credentials, e.g. https://acme.com.</summary>
    public static bool IsWebsite(string? value) =>
        value is { Length: > 0 and <= MaxUrlLength }
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.Host.Length > 0
        && uri.UserInfo.Length == 0;

    /// <summary>A LinkedIn URL (linkedin.com or a subdomain such as www.linkedin.com).</summary>
    public static bool IsLinkedinUrl(string? value) =>
        IsWebsite(value)
        && new Uri(value!).Host is var host
        && (host.Equals("linkedin.com", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".linkedin.com", StringComparison.OrdinalIgnoreCase));

    public static bool IsEmail(string? value) => ClaimRules.IsValidEmail(value);

    /// <summary>What is wrong with a context given by hand, or null; the rest of it is free text kept as given.</summary>
    public static string? CheckContext(UpdateContextRequest request) =>
        request.CompanyContext?.Name?.Length > MaxCompanyNameLength ? $"companyContext.name must be at most {MaxCompanyNameLength} characters."
        : CheckEvidence("companyContext", request.CompanyContext?.Evidence)
          ?? CheckEvidence("marketContext", request.MarketContext?.Evidence)
          ?? CheckEvidence("icp", request.Icp?.Evidence);

    /// <summary>Each field's evidence says <c>stated</c> or <c>inferred</c>, with a confidence from 0 to 1 (JSON has no NaN or infinity).</summary>
    private static string? CheckEvidence(string part, IReadOnlyDictionary<string, FieldEvidence>? evidence)
    {
        foreach (var (field, known) in evidence ?? new Dictionary<string, FieldEvidence>())
        {
            if (known is null || known.Basis is not (FieldEvidence.Stated or FieldEvidence.Inferred))
            {
                return $"{part}.evidence.{field}.basis must be \"{FieldEvidence.Stated}\" or \"{FieldEvidence.Inferred}\".";
            }

            if (!double.IsFinite(known.Confidence) || known.Confidence is < 0 or > 1)
            {
                return $"{part}.evidence.{field}.confidence must be a number from 0 to 1.";
            }
        }

        return null;
    }

    /// <summary>The workspace contract: the first name defaults to the email's local part (sid@acme.com → sid), up to its first separator.</summary>
    public static string FirstNameFromEmail(string email)
    {
        var local = email[..email.IndexOf('@', StringComparison.Ordinal)];
        var end = local.IndexOfAny(['.', '_', '+', '-']);
        var name = end > 0 ? local[..end] : local;
        return name.Length <= MaxNameLength ? name : name[..MaxNameLength];
    }

    /// <summary>Timestamps on this surface are UTC and serialise with a trailing Z, as the workspace contract's pattern requires.</summary>
    public static DateTime Utc(DateTimeOffset value) => value.UtcDateTime;

    public static DateTime? Utc(DateTimeOffset? value) => value?.UtcDateTime;
}
