namespace Onboarding.Web.Components.Claims;

/// <summary>Says how long to wait after a 429, from its Retry-After when the Api sent one.</summary>
public static class ClaimWait
{
    public static string Phrase(TimeSpan? retryAfter) => retryAfter switch
    {
        null => "Wait a minute, then try again.",
        { TotalSeconds: <= 1 } => "Try again now.",
        { TotalSeconds: < 90 } wait => $"Wait {Math.Ceiling(wait.TotalSeconds):0} seconds, then try again.",
        var wait => $"Wait {Math.Ceiling(wait.Value.TotalMinutes):0} minutes, then try again.",
    };
}
