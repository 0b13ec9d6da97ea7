using Onboarding.Data.Model;

namespace Onboarding.Worker.Generation.Reading;

/// <summary>
/// How a field is known, the same rule for the extractor and the model: <c>stated</c> when every value stands in the
/// words of a page it came from (each part of "Starter: $29 / month"), <c>inferred</c> when it was concluded (a
/// vocabulary's term, a summary); more pages saying it, more confidence. A value without any page is a guess.
/// </summary>
internal static class FieldEvidenceRule
{
    public static IReadOnlyDictionary<string, FieldEvidence> Judge(IReadOnlyDictionary<string, IEnumerable<string?>> values, Func<string, IReadOnlyList<PageText>> pagesOf)
    {
        var evidence = new Dictionary<string, FieldEvidence>(StringComparer.Ordinal);
        foreach (var (field, raw) in values)
        {
            var filled = raw.OfType<string>().Where(v => v.Length > 0).ToList();
            if (filled.Count == 0)
            {
                continue;
            }

            var pages = pagesOf(field);
            if (pages.Count == 0)
            {
                evidence[field] = new FieldEvidence(FieldEvidence.Inferred, 0.3);
                continue;
            }

            var corroboration = Math.Min(pages.Count, 3) * 0.05;
            evidence[field] = filled.All(v => IsWorded(v, pages))
                ? new FieldEvidence(FieldEvidence.Stated, Math.Round(0.75 + corroboration, 2))
                : new FieldEvidence(FieldEvidence.Inferred, Math.Round(0.45 + corroboration, 2));
        }

        return evidence;
    }

    /// <summary>The same rule over a record's <c>Sources</c> (URLs of crawled pages), for the model's answers.</summary>
    public static IReadOnlyDictionary<string, FieldEvidence> Judge(SiteText site, IReadOnlyDictionary<string, IReadOnlyList<string>> sources,
        IReadOnlyDictionary<string, IEnumerable<string?>> values) =>
        Judge(values, field => sources.GetValueOrDefault(field) is { } urls ? site.Pages.Where(p => urls.Contains(p.Url)).ToList() : []);

    private static bool IsWorded(string value, IReadOnlyList<PageText> pages) =>
        pages.Any(p => p.Contains(value))
        || value.Split([": ", ", "], StringSplitOptions.RemoveEmptyEntries).All(part => pages.Any(p => p.Contains(part.Trim())));
}
