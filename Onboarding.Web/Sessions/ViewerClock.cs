using System.Globalization;

namespace Onboarding.Web.Sessions;

/// <summary>Formats times for the person looking at the page, in their browser's time zone once it is known.</summary>
public sealed class ViewerClock(TimeZoneInfo zone, TimeProvider time)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static ViewerClock Utc(TimeProvider time) => new(TimeZoneInfo.Utc, time);

    /// <summary>The browser's IANA zone, or UTC when the server does not know it.</summary>
    public static ViewerClock For(string? timeZoneId, TimeProvider time) =>
        !string.IsNullOrWhiteSpace(timeZoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone)
            ? new ViewerClock(zone, time)
            : Utc(time);

    public TimeZoneInfo Zone => zone;

    public string ZoneName => zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;

    /// <summary>e.g. 6 May 2025, 00:51</summary>
    public string DateTime(DateTimeOffset at) => Local(at).ToString("d MMM yyyy, HH:mm", Invariant);

    /// <summary>e.g. 00:51:31</summary>
    public string TimeOfDay(DateTimeOffset at) => Local(at).ToString("HH:mm:ss", Invariant);

    /// <summary>
    /// When an event happened: the time of day when that is today where the viewer is, else the date as well
    /// (agents send <c>ts</c> themselves, so it may lie days back), e.g. 00:51:31 or 6 May 2025, 00:51:31.
    /// </summary>
    public string EventTime(DateTimeOffset at)
    {
        var local = Local(at);
        var format = local.Date == Local(time.GetUtcNow()).Date ? "HH:mm:ss" : "d MMM yyyy, HH:mm:ss";
        return local.ToString(format, Invariant);
    }

    /// <summary>The instant in ISO 8601, for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset at) => at.ToString("O", Invariant);

    /// <summary>e.g. "3 minutes ago", "in 29 days".</summary>
    public string Relative(DateTimeOffset at)
    {
        var delta = at - time.GetUtcNow();
        var span = delta.Duration();
        var amount = span switch
        {
            _ when span < TimeSpan.FromMinutes(1) => null,
            _ when span < TimeSpan.FromHours(1) => Count((int)span.TotalMinutes, "minute"),
            _ when span < TimeSpan.FromDays(1) => Count((int)span.TotalHours, "hour"),
            _ => Count((int)span.TotalDays, "day"),
        };
        return amount is null ? "just now" : delta < TimeSpan.Zero ? $"{amount} ago" : $"in {amount}";
    }

    /// <summary>Epoch milliseconds as an instant, or null when outside what a date can hold (an agent sets <c>ts</c>).</summary>
    public static DateTimeOffset? FromEpochMs(long ms) =>
        ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    private DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone);

    private static string Count(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
