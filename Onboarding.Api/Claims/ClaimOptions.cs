namespace Onboarding.Api.Claims;

/// <summary>The claim flow's settings, bound from the <c>Onboarding:Claims</c> section.</summary>
public sealed class ClaimOptions
{
    public const string SectionName = "Onboarding:Claims";

    /// <summary>How long a magic link works (the session contract's example: 30 minutes).</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a claim request waits for the Worker to hand the email to the provider, so a refusal can be
    /// answered with the contract's <c>send_failed</c> fallback; after that the answer is <c>email</c> and the
    /// Worker keeps retrying.
    /// </summary>
    public TimeSpan DeliveryWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>What <c>/onboarding/lookup</c> and <c>domain_already_claimed</c> tell the agent to do.</summary>
    public string ClaimHint { get; set; } = "An organisation already uses this email domain. Ask its admin to invite you instead of registering again.";
}
