using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Onboarding.Api.Infrastructure;

namespace Onboarding.Api.Sessions;

/// <summary>An event that passed validation, its payload in the compact form that is stored and hashed.</summary>
public sealed record ValidatedEvent(string Type, long Ts, string Payload);

/// <summary>Why a batch was refused: the first bad event's index is in the message.</summary>
public sealed record EventRejection(string Message, bool TooLarge = false, int Index = 0);

/// <summary>
/// Validates an append batch as a whole (docs/api/sessions.md): one bad event rejects the batch. Types must be
/// <c>onboarding.*</c>; canonical types must carry their required payload fields; server-emitted types are refused.
/// </summary>
public static partial class EventValidator
{
    public const string SessionOpened = "onboarding.session_opened";
    public const string Claimed = "onboarding.claimed";

    /// <summary>Where the payloads are in an append body: opaque JSON, not text (see <see cref="JsonText"/>).</summary>
    public static readonly string[] PayloadPath = ["events", "[]", "payload"];

    private static readonly string[] Tiers = ["minimal", "limited", "high", "critical"];

    /// <summary>Required payload fields of the canonical types, checked in order.</summary>
    private static readonly Dictionary<string, Field[]> CanonicalPayloads = new(StringComparer.Ordinal)
    {
        ["onboarding.jurisdiction_selected"] = [Field.Text("jurisdiction", JurisdictionPattern())],
        ["onboarding.capabilities_inferred"] =
        [
            Field.Text("input"),
            Field.TextArray("capabilities"),
            Field.OneOf("inferred_tier", Tiers),
        ],
        ["onboarding.repo_scanned"] =
        [
            Field.TextArray("frameworks"),
            Field.ObjectArray("agents",
            [
                Field.Text("path"),
                Field.Text("framework"),
                Field.Text("model", optional: true),
                Field.TextArray("capabilities"),
                Field.OneOf("tier", Tiers),
            ]),
        ],
        ["onboarding.sdk_installed"] = [Field.OneOf("language", ["ts", "py"]), Field.Count("agent_count")],
        ["onboarding.first_telemetry"] = [Field.Text("agent_id")],
    };

    public static bool IsCanonical(string type) => CanonicalPayloads.ContainsKey(type);

    public static (IReadOnlyList<ValidatedEvent> Events, EventRejection? Rejection) Validate(
        JsonElement body, int maxEvents, int maxEventBytes)
    {
        if (!body.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            return ([], new EventRejection("The body must be { \"events\": [ ... ] }."));
        }

        var count = events.GetArrayLength();
        if (count == 0 || count > maxEvents)
        {
            return ([], new EventRejection($"events must hold between 1 and {maxEvents} events; it holds {count}."));
        }

        var accepted = new List<ValidatedEvent>(count);
        var index = 0;
        foreach (var element in events.EnumerateArray())
        {
            var (validated, rejection) = ValidateOne(element, index, maxEventBytes);
            if (rejection is not null)
            {
                return ([], rejection);
            }

            accepted.Add(validated!);
            index++;
        }

        return (accepted, null);
    }

    private static (ValidatedEvent?, EventRejection?) ValidateOne(JsonElement element, int index, int maxEventBytes)
    {
        var at = $"events[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, new EventRejection($"{at} must be an object with type, ts and payload.", Index: index));
        }

        if (!element.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return (null, new EventRejection($"{at}.type is required and must be a string.", Index: index));
        }

        var type = typeElement.GetString()!;
        if (type.Length > 200 || !TypePattern().IsMatch(type))
        {
            return (null, new EventRejection($"{at}.type must match ^onboarding\\.[a-z0-9_]+(\\.[a-z0-9_]+)*$.", Index: index));
        }

        if (type is SessionOpened or Claimed)
        {
            return (null, new EventRejection($"{at}.type {type} is emitted by the server only.", Index: index));
        }

        if (!element.TryGetProperty("ts", out var tsElement) || tsElement.ValueKind != JsonValueKind.Number || !tsElement.TryGetInt64(out var ts) || ts < 0)
        {
            return (null, new EventRejection($"{at}.ts is required: a non-negative integer, epoch milliseconds.", Index: index));
        }

        if (!element.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
        {
            return (null, new EventRejection($"{at}.payload is required and must be an object.", Index: index));
        }

        // The payload is opaque: it is stored as sent, NUL and unpaired surrogates included (as their escapes).
        var compact = JsonText.Compact(payload);
        if (Encoding.UTF8.GetByteCount(compact) > maxEventBytes)
        {
            return (null, new EventRejection($"{at}", TooLarge: true, Index: index));
        }

        if (CanonicalPayloads.TryGetValue(type, out var fields))
        {
            var problem = Check(payload, fields, $"{at}.payload");
            if (problem is not null)
            {
                return (null, new EventRejection(problem, Index: index));
            }
        }

        return (new ValidatedEvent(type, ts, compact), null);
    }

    private static string? Check(JsonElement obj, Field[] fields, string at)
    {
        foreach (var field in fields)
        {
            var path = $"{at}.{field.Name}";
            if (!obj.TryGetProperty(field.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (field.Optional)
                {
                    continue;
                }

                return $"{path} is required for this event type.";
            }

            var problem = field.Check(value, path);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>One required (or optional) payload field and how to check its value.</summary>
    private sealed record Field(string Name, bool Optional, Func<JsonElement, string, string?> Check)
    {
        public static Field Text(string name, Regex? pattern = null, bool optional = false) => new(name, optional, (value, path) =>
            value.ValueKind != JsonValueKind.String ? $"{path} must be a string."
            : JsonText.Problem(value) is { } problem ? $"{path} {problem}."
            : pattern is not null && !pattern.IsMatch(value.GetString()!) ? $"{path} must match {pattern}."
            : null);

        public static Field OneOf(string name, string[] allowed) => new(name, false, (value, path) =>
            value.ValueKind == JsonValueKind.String && JsonText.Problem(value) is null && allowed.Any(value.ValueEquals)
                ? null
                : $"{path} must be one of {string.Join(", ", allowed)}.");

        public static Field Count(string name) => new(name, false, (value, path) =>
            value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0
                ? null
                : $"{path} must be a non-negative integer.");

        public static Field TextArray(string name) => new(name, false, (value, path) =>
            value.ValueKind != JsonValueKind.Array || !value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String)
                ? $"{path} must be an array of strings."
                : value.EnumerateArray().Select((item, i) => JsonText.Problem(item) is { } problem ? $"{path}[{i}] {problem}." : null).FirstOrDefault(p => p is not null));

        public static Field ObjectArray(string name, Field[] itemFields) => new(name, false, (value, path) =>
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return $"{path} must be an array of objects.";
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemPath = $"{path}[{i++}]";
                var problem = item.ValueKind != JsonValueKind.Object ? $"{itemPath} must be an object." : EventValidator.Check(item, itemFields, itemPath);
                if (problem is not null)
                {
                    return problem;
                }
            }

            return null;
        });
    }

    [GeneratedRegex(@"^onboarding\.[a-z0-9_]+(\.[a-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();

    /// <summary>An ISO 3166-1 alpha-2 style code, e.g. AE.</summary>
    [GeneratedRegex("^[A-Z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex JurisdictionPattern();
}
