using System.Text.RegularExpressions;
using Onboarding.Data.Model;

namespace Onboarding.Worker.Interviews;

/// <summary>A summary of the brief and what stands out in it.</summary>
public sealed record BriefAnalysisResult(string Summary, IReadOnlyList<AnalysisInsight> Insights);

/// <summary>
/// Reads an entrepreneur brief the way an early-stage advisor would on a first pass: how specific the customer is,
/// whether the problem has a cost, what evidence of demand exists, the competition, the resources against the goals,
/// and the next step for the stage the founder is in. Deterministic; every insight quotes the founder's own words.
/// </summary>
public static partial class BriefAnalyst
{
    public static BriefAnalysisResult Analyse(IReadOnlyDictionary<string, string> brief)
    {
        string? Field(string name) => brief.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var summary = string.Join(' ', new[]
        {
            Sentence(Field("company_name") is { } name ? $"{name}: {FirstSentence(Field("business_concept"))}" : FirstSentence(Field("business_concept"))),
            Labelled("Customers", Field("target_customers")),
            Labelled("Problem", Field("problem_description")),
            Labelled("Solution", Field("solution_description")),
            Labelled("Stage", Field("business_stage")),
            Labelled("Next three months", Field("three_month_goals")),
        }.Where(s => s.Length > 0));

        List<AnalysisInsight> insights =
        [
            Customers(Field("target_customers")),
            Problem(Field("problem_impact")),
            Demand(Field("early_adopters")),
            Competition(Field("competitors"), Field("competitive_advantages")),
            Resources(Field("available_budget"), Field("team_capabilities"), Field("three_month_goals")),
            NextStep(Field("business_stage")),
        ];
        return new BriefAnalysisResult(summary.Length > 0 ? summary : "The brief is empty: the interview collected no answers.", insights);
    }

    private static AnalysisInsight Customers(string? customers) => customers switch
    {
        null => new("customer-focus", "Define who the first customer is", "The brief names no target customer; every other answer depends on it.", "low"),
        _ when IsSpecific(customers) => new("customer-focus", "A specific first customer", $"\"{Excerpt(customers)}\" is narrow enough to find and reach directly.", "high"),
        _ => new("customer-focus", "Narrow who the first customer is",
            $"\"{Excerpt(customers)}\" could describe many buyers. Pick one segment (role, company size, trigger) you can reach this month.", "medium"),
    };

    private static AnalysisInsight Problem(string? impact) => impact switch
    {
        null => new("problem-evidence", "Put a number on the problem", "The brief does not say what the problem costs customers today.", "low"),
        _ when Quantity().IsMatch(impact) => new("problem-evidence", "The problem has a measurable cost", $"\"{Excerpt(impact)}\": a cost a buyer can weigh a price against.", "high"),
        _ => new("problem-evidence", "Put a number on the problem", $"\"{Excerpt(impact)}\" says it hurts, not how much: hours, money or missed revenue per month.", "medium"),
    };

    private static AnalysisInsight Demand(string? adopters) => adopters switch
    {
        null => new("demand", "Find five early adopters to talk to", "The brief names no early adopters yet.", "low"),
        _ when Conversations().IsMatch(adopters) && Quantity().IsMatch(adopters) =>
            new("demand", "Early demand signals exist", $"\"{Excerpt(adopters)}\": conversations with real prospects, counted.", "high"),
        _ => new("demand", "Talk to early adopters before building more", $"\"{Excerpt(adopters)}\": turn this into five conversations and a count of who would pay.", "medium"),
    };

    private static AnalysisInsight Competition(string? competitors, string? advantage)
    {
        if (competitors is null)
        {
            return new("competition", "Name the alternatives", "Every problem has a current workaround (a tool, a spreadsheet, a person); the brief names none.", "low");
        }

        var names = Names().Matches(competitors).Select(m => m.Value).Distinct().Take(5).ToList();
        var named = names.Count > 0 ? $"{names.Count} named ({string.Join(", ", names)})" : "described, none by name";
        return advantage is null
            ? new("competition", "Alternatives known, edge unstated", $"Alternatives {named}; the brief does not say why a customer would switch.", "medium")
            : new("competition", "Alternatives known, edge stated", $"Alternatives {named}. Claimed edge: \"{Excerpt(advantage)}\". Test it in the next sales conversation.", names.Count > 0 ? "high" : "medium");
    }

    private static AnalysisInsight Resources(string? budget, string? team, string? goals)
    {
        if (budget is null && team is null)
        {
            return new("resources", "Resources are unclear", "The brief says neither what budget nor what team is available.", "low");
        }

        var money = Money().Match(budget ?? "");
        var detail = $"{(money.Success ? $"Budget {money.Value.Trim()}" : budget is null ? "Budget not stated" : $"Budget: \"{Excerpt(budget)}\"")}; " +
            $"{(team is null ? "team not described" : $"team: \"{Excerpt(team)}\"")}" +
            $"{(goals is null ? "." : $". Goal: \"{Excerpt(goals)}\". Check the goal fits both.")}";
        return new("resources", "Resources against the goal", detail, money.Success && team is not null ? "high" : "medium");
    }

    private static AnalysisInsight NextStep(string? stage)
    {
        var lower = stage?.ToLowerInvariant() ?? "";
        return lower switch
        {
            "" => new("next-step", "Say where you are today", "Without the current stage, the next step cannot be chosen.", "low"),
            _ when lower.Contains("paying") || lower.Contains("revenue") || lower.Contains("customers pay") =>
                new("next-step", "Find the repeatable channel", "Revenue exists: the next question is which channel brings the next ten customers at a known cost.", "medium"),
            _ when lower.Contains("pilot") || lower.Contains("beta") =>
                new("next-step", "Turn pilots into paid commitments", "A pilot proves use; a signed price proves value. Ask each pilot for a paid plan.", "medium"),
            _ when lower.Contains("prototype") || lower.Contains("mvp") || lower.Contains("launched") =>
                new("next-step", "Put the prototype in early adopters' hands", "Get three target customers using it weekly and write down what they do.", "medium"),
            _ => new("next-step", "Validate the problem before building", "Run ten problem interviews with target customers and count how many feel the pain.", "medium"),
        };
    }

    private static bool IsSpecific(string text) => Quantity().IsMatch(text) || SegmentWords().IsMatch(text);

    private static string Labelled(string label, string? text) => FirstSentence(text) is { Length: > 0 } first ? $"{label}: {Sentence(first)}" : "";

    private static string FirstSentence(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var end = SentenceEnd().Match(text);
        return (end.Success ? text[..(end.Index + 1)] : text).Trim();
    }

    private static string Sentence(string text) => text.Length == 0 || ".!?".Contains(text[^1]) ? text : text + ".";

    private static string Excerpt(string text) => text.Length <= 160 ? text : text[..157].TrimEnd() + "…";

    [GeneratedRegex(@"[.!?](\s|$)")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\d|[$€£%]|\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|thousand|million)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Quantity();

    [GeneratedRegex(@"\b(spoke|talked|interviewed|met|waitlist|signed|pilot|letters? of intent|pre-?orders?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Conversations();

    [GeneratedRegex(@"\b(employees|staff|firms?|agencies|clinics|practices|teams? of|managers?|directors?|founders?|owners?|accountants?|engineers?|nurses?|restaurants?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SegmentWords();

    // Capitalised words after the first of a sentence: the products and companies the founder named.
    [GeneratedRegex(@"(?<=[a-z,;:]\s|\band\s|\bor\s)[A-Z][\w.&-]+(?:\s[A-Z][\w.&-]+)?")]
    private static partial Regex Names();

    [GeneratedRegex(@"[$€£]\s?\d[\d,.]*\s?(?:k|m|million|thousand)?|\d[\d,.]*\s?(?:k|m)?\s?(?:dollars|euros|pounds|USD|EUR|GBP)", RegexOptions.IgnoreCase)]
    private static partial Regex Money();
}
