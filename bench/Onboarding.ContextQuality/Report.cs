using System.Globalization;
using System.Text;

namespace Onboarding.ContextQuality;

/// <summary>The figures as a Markdown table (per site and in total), and what each site missed.</summary>
internal static class Report
{
    public static string Table(IReadOnlyList<SiteResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| site | run | facts found | traps hit | pages fetched | fetched twice | seconds |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Status} | {r.Facts}/{r.FactChecks} | {r.TrapsHit}/{r.Traps} | {r.PagesFetched} | {r.Duplicates} | {r.Seconds:0.0} |");
        }

        var facts = results.Sum(r => r.Facts);
        var factChecks = results.Sum(r => r.FactChecks);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| **total** | | **{facts}/{factChecks} ({100.0 * facts / Math.Max(1, factChecks):0}%)** | **{results.Sum(r => r.TrapsHit)}/{results.Sum(r => r.Traps)}** | {results.Sum(r => r.PagesFetched)} | {results.Sum(r => r.Duplicates)} | |");
        return text.ToString();
    }

    public static string Details(IReadOnlyList<SiteResult> results)
    {
        var text = new StringBuilder();
        foreach (var r in results.Where(r => r.Missed.Count > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.Name}:");
            foreach (var missed in r.Missed)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {missed}");
            }
        }

        return text.ToString();
    }
}
