using System.Globalization;
using System.Text;

namespace Onboarding.InterviewQuality;

/// <summary>The figures per founder and in total, as a Markdown table.</summary>
internal static class Report
{
    public static string Table(IReadOnlyList<FounderResult> results)
    {
        var table = new StringBuilder()
            .AppendLine("| founder | kind | right | incomplete | wrong | empty | questions | confirmations | asked again | completed |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            Row(table, r.Founder.Name, r.Founder.Kind, r.Count(Verdict.Right), r.Count(Verdict.Incomplete), r.Count(Verdict.Wrong),
                r.Count(Verdict.Empty), r.Questions, r.Confirmations, r.AskedAgain, r.Completed ? "yes" : "no");
        }

        Row(table, "**total**", $"{results.Count} founders", results.Sum(r => r.Count(Verdict.Right)), results.Sum(r => r.Count(Verdict.Incomplete)),
            results.Sum(r => r.Count(Verdict.Wrong)), results.Sum(r => r.Count(Verdict.Empty)), results.Sum(r => r.Questions),
            results.All(r => r.Confirmations is not null) ? results.Sum(r => r.Confirmations) : null, results.Sum(r => r.AskedAgain),
            $"{results.Count(r => r.Completed)} of {results.Count}");
        return table.ToString();
    }

    /// <summary>Every field that is not right, with what it holds and why.</summary>
    public static string Details(IReadOnlyList<FounderResult> results)
    {
        var details = new StringBuilder();
        foreach (var r in results)
        {
            foreach (var f in r.Fields.Where(f => f.Verdict is not (Verdict.Right or Verdict.NothingSaid)))
            {
                details.AppendLine(CultureInfo.InvariantCulture, $"- {r.Founder.Name} · {f.Field} · {f.Verdict}: {f.Why}")
                    .AppendLine(CultureInfo.InvariantCulture, $"  field: {f.Value ?? "(empty)"}");
            }
        }

        return details.ToString();
    }

    private static void Row(StringBuilder table, string name, string kind, int right, int incomplete, int wrong, int empty, int questions, int? confirmations, int again, string completed) =>
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {kind} | {right} | {incomplete} | {wrong} | {empty} | {questions} | {(confirmations is { } c ? c.ToString(CultureInfo.InvariantCulture) : "–")} | {again} | {completed} |");
}
