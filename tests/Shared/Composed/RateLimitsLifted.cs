namespace Onboarding.Testing;

/// <summary>
/// Service settings that lift every rate limit, for runs that drive load from one loopback address (the benchmark, the
/// reliability suite): limits guard against abuse, not throughput. Each request still pays for its Redis check.
/// </summary>
public static class RateLimitsLifted
{
    private const string Unlimited = "1000000000";

    public static IEnumerable<KeyValuePair<string, string?>> Settings { get; } =
        new[] { "AppendPerIp", "ApiPerKey", "ScrapePerUser", "ClaimPerIp", "ClaimPerEmail", "ClaimLinkPerIp", "LookupPerIp" }
            .Select(limit => new KeyValuePair<string, string?>($"RateLimits__{limit}__Limit", Unlimited))
            .ToArray();
}
