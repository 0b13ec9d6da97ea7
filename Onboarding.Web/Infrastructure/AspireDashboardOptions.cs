namespace Onboarding.Web.Infrastructure;

/// <summary>
/// <c>AspireDashboard:Url</c>: the Aspire dashboard of a local run (the AppHost sets it), so that a run's trace id links
/// to the trace there. Unset, trace ids are plain text.
/// </summary>
public sealed class AspireDashboardOptions
{
    public const string SectionName = "AspireDashboard";

    /// <summary>The dashboard's address; of a list (<c>ASPNETCORE_URLS</c> form, <c>;</c>-separated) the first.</summary>
    public string? Url { get; set; }

    /// <summary>The dashboard's page of one trace, or null when there is no dashboard or no trace.</summary>
    public string? TraceUrl(string? traceId) =>
        Url?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } first
        && Uri.TryCreate(first, UriKind.Absolute, out var dashboard) && dashboard.Scheme is "http" or "https"
        && traceId is { Length: > 0 }
            ? new Uri(dashboard, $"/traces/detail/{Uri.EscapeDataString(traceId)}").ToString()
            : null;
}
