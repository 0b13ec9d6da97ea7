using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>The spans of Onboarding's own code, and the run id that ties a background run's spans and logs together.</summary>
public static class RunTelemetry
{
    /// <summary>Onboarding's own spans (the source named <see cref="Extensions.TelemetrySourceName"/>).</summary>
    public static readonly ActivitySource Source = new(Extensions.TelemetrySourceName);

    /// <summary>The tag (and log scope key) every span and log line of a run carries.</summary>
    public const string RunIdTag = "onboarding.run_id";
}

/// <summary>
/// Gives every span started under a span that carries <see cref="RunTelemetry.RunIdTag"/> the same tag, whatever
/// library starts it (HTTP client, Npgsql), so a run's spans can be found by its id.
/// </summary>
internal sealed class RunIdPropagation : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.GetTagItem(RunTelemetry.RunIdTag) is null && data.Parent?.GetTagItem(RunTelemetry.RunIdTag) is { } runId)
        {
            data.SetTag(RunTelemetry.RunIdTag, runId);
        }
    }
}
