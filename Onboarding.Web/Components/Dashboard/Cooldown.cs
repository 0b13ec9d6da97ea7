using Onboarding.Web.Sessions;

namespace Onboarding.Web.Components.Dashboard;

/// <summary>The workspace contract's 24-hour window between regenerations, in words.</summary>
public static class Cooldown
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>When the next regeneration is allowed, or null when it is allowed now.</summary>
    public static DateTimeOffset? NextAllowed(DateTimeOffset? lastRegeneratedAt, TimeProvider time) =>
        lastRegeneratedAt is { } last && last + Window > time.GetUtcNow() ? last + Window : null;

    /// <summary>e.g. "Available again at 24 Nov 2026, 09:30 (UTC), in 5 h 12 min."</summary>
    public static string Phrase(DateTimeOffset next, ViewerClock clock, TimeProvider time)
    {
        var left = next - time.GetUtcNow();
        var wait = left.TotalHours >= 1 ? $"{(int)left.TotalHours} h {left.Minutes} min" : $"{Math.Max(1, (int)Math.Ceiling(left.TotalMinutes))} min";
        return $"Available again at {clock.DateTime(next)} ({clock.ZoneName}), in {wait}.";
    }
}
