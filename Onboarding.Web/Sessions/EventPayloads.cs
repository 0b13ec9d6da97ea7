using System.Text.Encodings.Web;
using System.Text.Json;

namespace Onboarding.Web.Sessions;

/// <summary>The event types the viewer renders specially (docs/api/sessions.md), plus the two the server emits.</summary>
public static class EventTypes
{
    public const string SessionOpened = "onboarding.session_opened";
    public const string JurisdictionSelected = "onboarding.jurisdiction_selected";
    public const string CapabilitiesInferred = "onboarding.capabilities_inferred";
    public const string RepoScanned = "onboarding.repo_scanned";
    public const string SdkInstalled = "onboarding.sdk_installed";
    public const string FirstTelemetry = "onboarding.first_telemetry";
    public const string Claimed = "onboarding.claimed";

    /// <summary>Whether the viewer has its own rendering for the type.</summary>
    public static bool IsCanonical(string? type) =>
        type is SessionOpened or JurisdictionSelected or CapabilitiesInferred or RepoScanned or SdkInstalled or FirstTelemetry or Claimed;

    /// <summary>A short label for people; other types show as they are.</summary>
    public static string Label(string? type) => type switch
    {
        SessionOpened => "Session opened",
        JurisdictionSelected => "Jurisdiction selected",
        CapabilitiesInferred => "Capabilities inferred",
        RepoScanned => "Repository scanned",
        SdkInstalled => "SDK installed",
        FirstTelemetry => "First telemetry",
        Claimed => "Claimed",
        _ => type ?? "(no type)",
    };
}

public sealed record SessionOpenedPayload(string? UserAgent, string? ProjectHint);

public sealed record JurisdictionPayload(string Jurisdiction);

public sealed record CapabilitiesPayload(string Input, IReadOnlyList<string> Capabilities, string Tier);

public sealed record ScannedAgent(string Path, string Framework, string? Model, IReadOnlyList<string> Capabilities, string Tier);

public sealed record RepoScanPayload(IReadOnlyList<string> Frameworks, IReadOnlyList<ScannedAgent> Agents);

public sealed record SdkInstalledPayload(string Language, long AgentCount)
{
    public string LanguageName => Language switch
    {
        "ts" => "TypeScript",
        "py" => "Python",
        _ => Language,
    };
}

public sealed record FirstTelemetryPayload(string AgentId);

public sealed record ClaimedPayload(string Org);

/// <summary>
/// Reads canonical payloads defensively: anything missing or of the wrong kind gives null, and the viewer
/// shows the payload as JSON instead. Nothing here throws on what an agent sent.
/// </summary>
public static class EventPayloads
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        // Show '<', '&' and non-ASCII text as themselves; Razor escapes the text when it renders it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The payload as indented JSON, for types the viewer has no special rendering for.</summary>
    public static string ToPrettyJson(JsonElement payload)
    {
        if (payload.ValueKind == JsonValueKind.Undefined)
        {
            return "(no payload)";
        }

        try
        {
            return JsonSerializer.Serialize(payload, Pretty);
        }
        catch (JsonException)
        {
            // An unpaired surrogate (kept as its \u escape, since payloads are stored as sent) cannot be decoded to be
            // indented; the compact text as sent shows it.
            return payload.GetRawText();
        }
    }

    public static SessionOpenedPayload? SessionOpened(JsonElement p) =>
        p.ValueKind != JsonValueKind.Object ? null
        : new SessionOpenedPayload(OptionalText(p, "user_agent"), OptionalText(p, "project_hint"));

    public static JurisdictionPayload? Jurisdiction(JsonElement p) =>
        Text(p, "jurisdiction") is { } jurisdiction ? new JurisdictionPayload(jurisdiction) : null;

    public static CapabilitiesPayload? Capabilities(JsonElement p) =>
        (Text(p, "input"), TextList(p, "capabilities"), Text(p, "inferred_tier")) is ({ } input, { } capabilities, { } tier)
            ? new CapabilitiesPayload(input, capabilities, tier)
            : null;

    public static RepoScanPayload? RepoScan(JsonElement p)
    {
        if (TextList(p, "frameworks") is not { } frameworks
            || !p.TryGetProperty("agents", out var agentsElement)
            || agentsElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var agents = new List<ScannedAgent>();
        foreach (var a in agentsElement.EnumerateArray())
        {
            if ((Text(a, "path"), Text(a, "framework"), TextList(a, "capabilities"), Text(a, "tier")) is not ({ } path, { } framework, { } capabilities, { } tier))
            {
                return null;
            }

            agents.Add(new ScannedAgent(path, framework, OptionalText(a, "model"), capabilities, tier));
        }

        return new RepoScanPayload(frameworks, agents);
    }

    public static SdkInstalledPayload? SdkInstalled(JsonElement p) =>
        Text(p, "language") is { } language
        && p.TryGetProperty("agent_count", out var count) && count.ValueKind == JsonValueKind.Number && count.TryGetInt64(out var n)
            ? new SdkInstalledPayload(language, n)
            : null;

    public static FirstTelemetryPayload? FirstTelemetry(JsonElement p) =>
        Text(p, "agent_id") is { } agentId ? new FirstTelemetryPayload(agentId) : null;

    /// <summary>The claim names the org; the Api may call it <c>org</c> or <c>org_slug</c>.</summary>
    public static ClaimedPayload? Claimed(JsonElement p) =>
        (Text(p, "org") ?? Text(p, "org_slug")) is { } org ? new ClaimedPayload(org) : null;

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? AsText(value) : null;

    /// <summary>The string's text; null for anything else, and for a string that is not text (an unpaired surrogate).</summary>
    private static string? AsText(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string? OptionalText(JsonElement obj, string name) => Text(obj, name) is { Length: > 0 } text ? text : null;

    private static List<string>? TextList(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (AsText(item) is not { } text)
            {
                return null;
            }

            items.Add(text);
        }

        return items;
    }
}
