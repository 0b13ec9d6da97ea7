namespace Onboarding.Data.Model;

/// <summary>Public identifiers: a type prefix and a ULID, so they sort by creation time and say what they name.</summary>
public static class Ids
{
    public const string SessionPrefix = "ses_";
    public const string ClaimPrefix = "clm_";
    public const string OrgPrefix = "org_";
    public const string UserPrefix = "usr_";
    public const string ApiKeyPrefix = "key_";
    public const string RunPrefix = "run_";
    public const string InterviewPrefix = "itv_";

    public static string NewSessionId() => SessionPrefix + Ulid.NewUlid();

    public static string NewClaimId() => ClaimPrefix + Ulid.NewUlid();

    public static string NewOrgId() => OrgPrefix + Ulid.NewUlid();

    public static string NewUserId() => UserPrefix + Ulid.NewUlid();

    public static string NewApiKeyId() => ApiKeyPrefix + Ulid.NewUlid();

    public static string NewRunId() => RunPrefix + Ulid.NewUlid();

    public static string NewInterviewId() => InterviewPrefix + Ulid.NewUlid();

    /// <summary>True when <paramref name="id"/> is the prefix followed by a well-formed ULID.</summary>
    public static bool IsWellFormed(string? id, string prefix) =>
        id is not null
        && id.Length == prefix.Length + 26
        && id.StartsWith(prefix, StringComparison.Ordinal)
        && Ulid.TryParse(id.AsSpan(prefix.Length), out _);
}
