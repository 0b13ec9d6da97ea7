using System.Text.RegularExpressions;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>The market's competition as the site names it.</summary>
internal static partial class Competitors
{
    /// <summary>Competitors the site names: "vs X", "X alternative", "alternative to X", "compared to X", "unlike X", "switch from X".</summary>
    public static List<Candidate> Named(SiteText site, string name, string brand, int max)
    {
        var evidence = new Evidence();
        var own = Text.Compact(name);
        var ownBrand = Text.Compact(brand);
        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            var weight = page.Kind == PageKind.Compare ? 2 : 1;
            // A comparison table's columns: every product but the company's own.
            foreach (var column in page.Page.ComparisonTables.SelectMany(t => t.Names))
            {
                var compact = Text.Compact(column);
                if (compact != own && compact != ownBrand && !own.StartsWith(compact, StringComparison.Ordinal) && !compact.StartsWith(ownBrand, StringComparison.Ordinal))
                {
                    evidence.Add(column, 2, page, compact);
                }
            }

            var texts = page.TitleSegments.Append(page.Title ?? "").Append(page.Description ?? "")
                .Concat(page.Lines.Where(l => l.Kind != LineKind.Short).SelectMany(l => Text.Sentences(l.Text)));
            foreach (var text in texts)
            {
                foreach (var pattern in CompetitorPatterns)
                {
                    foreach (Match match in pattern.Matches(text))
                    {
                        var competitor = VersionSuffix().Replace(match.Groups["name"].Value.Trim(), "").TrimEnd('.', ',', ';', ':');
                        var compact = Text.Compact(competitor);
                        var words = Text.Words(competitor);
                        if (compact.Length < 2 || compact == own || compact == ownBrand || own.StartsWith(compact, StringComparison.Ordinal)
                            || words.Count == 0 || NotCompetitors.Contains(words[0]) || words.Any(Vocabulary.BenefitAdjectives.Contains)
                            || Vocabulary.GenericHeadings.Contains(competitor))
                        {
                            continue;
                        }

                        evidence.Add(competitor, weight, page, compact);
                    }
                }
            }
        }

        return evidence.Top(max, minimum: 1, distinct: false);
    }

    private static readonly HashSet<string> NotCompetitors = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "our", "your", "their", "this", "that", "other", "traditional", "legacy", "most", "many", "all", "any", "free",
        "cheaper", "better", "modern", "popular", "leading", "big", "pricing", "plans", "features", "compare", "it", "them",
    };

    private const string CompetitorName = @"(?<name>\p{Lu}[\p{L}\p{N}.&'’-]*(?:\s+(?:\p{Lu}[\p{L}\p{N}.&'’-]*|\d+)){0,2})";

    private static readonly Regex[] CompetitorPatterns =
    [
        new(@"\b(?:vs\.?|versus)\s+" + CompetitorName),
        new(CompetitorName + @"\s+(?:vs\.?|versus)\b"),
        new(@"\b[Aa]lternatives?\s+(?:to|for)\s+" + CompetitorName),
        new(CompetitorName + @"\s+alternatives?\b"),
        new(@"\b[Cc]ompared?\s+(?:to|with)\s+" + CompetitorName),
        new(@"\b[Cc]ompare\s+\p{Lu}[\p{L}\p{N}]*(?:\s+\p{Lu}[\p{L}\p{N}]*)?\s+(?:with|to|and)\s+" + CompetitorName),
        new(@"\b(?:[Ss]witch(?:es|ed|ing)?|[Mm]igrat(?:e|es|ed|ing)|[Mm]ov(?:e|es|ed|ing))\s+from\s+" + CompetitorName),
        new(@"\b[Uu]nlike\s+" + CompetitorName),
        new(@"\b(?:replacement|substitute) (?:for|to)\s+" + CompetitorName),
        new(@"\b(?:instead of|better than)\s+" + CompetitorName),
    ];

    [GeneratedRegex(@"\s+\d+(?:\.\d+)?$")]
    private static partial Regex VersionSuffix();
}
