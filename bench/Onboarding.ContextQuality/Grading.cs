using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Onboarding.ContextQuality;

/// <summary>
/// One check of the expectations file: the context fields it reads (space-separated paths such as
/// <c>companyContext.pricing</c>) and what must be there (<c>any</c>: a case-insensitive substring, <c>any_re</c>: a
/// regular expression) or must not (<c>absent</c>, <c>absent_re</c>). A trap passes when the bait is absent.
/// </summary>
internal sealed record Check(string What, string Field, string[] Any, string[] AnyRe, string[] Absent, string[] AbsentRe, bool Trap)
{
    public static Check From(JsonNode node)
    {
        string[] List(string name) => node[name]?.AsArray().Select(v => v!.GetValue<string>()).ToArray() ?? [];
        var absent = List("absent");
        var absentRe = List("absent_re");
        return new Check(node["what"]!.GetValue<string>(), node["field"]!.GetValue<string>(), List("any"), List("any_re"), absent, absentRe,
            node["trap"]?.GetValue<bool>() ?? (absent.Length > 0 || absentRe.Length > 0));
    }

    /// <summary>Whether the context passes: the fields' JSON text (their <c>sources</c> left out), lowercased, is searched.</summary>
    public bool Passes(JsonNode? context)
    {
        var text = string.Join(' ', Field.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(path => FieldText(context, path))).ToLowerInvariant();
        var positive = Any.Length > 0 || AnyRe.Length > 0;
        var hit = Any.Any(s => text.Contains(s.ToLowerInvariant(), StringComparison.Ordinal)) || AnyRe.Any(r => Regex.IsMatch(text, r, RegexOptions.IgnoreCase));
        var bad = Absent.Any(s => text.Contains(s.ToLowerInvariant(), StringComparison.Ordinal)) || AbsentRe.Any(r => Regex.IsMatch(text, r, RegexOptions.IgnoreCase));
        return (hit || !positive) && !bad;
    }

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string FieldText(JsonNode? context, string path)
    {
        var node = context;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        if (node is JsonObject obj)
        {
            var copy = (JsonObject)obj.DeepClone();
            copy.Remove("sources");
            node = copy;
        }

        return node is null ? "" : node.ToJsonString(Json);
    }
}

/// <summary>What one site's scrape came to.</summary>
internal sealed record SiteResult(string Name, string Status, int Facts, int FactChecks, int TrapsAvoided, int Traps, int PagesFetched, int Duplicates, double Seconds,
    IReadOnlyList<string> Missed)
{
    public int TrapsHit => Traps - TrapsAvoided;
}
