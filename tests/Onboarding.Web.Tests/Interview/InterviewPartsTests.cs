using Onboarding.Web.Components.Interview;
using Onboarding.Web.Services;
using Onboarding.Web.Tests.Components;

namespace Onboarding.Web.Tests.Interview;

/// <summary>The interview page's parts: the stage progress, the brief, and the analysis in each of its states.</summary>
public sealed class InterviewPartsTests : FluentContext
{
    private static readonly Dictionary<string, string?> Fields = new()
    {
        ["company_name"] = "Kilnhouse",
        ["target_customers"] = "Our customers are studio owners. Mostly in Bristol.",
        ["competitors"] = "Spreadsheets.",
        ["available_budget"] = null,
    };

    [Fact]
    public void TheProgressShowsTheStageItsNameAndBothPercentages()
    {
        var progress = Render<StageProgress>(p => p
            .Add(s => s.Stage, 3).Add(s => s.StageName, "Problem Definition").Add(s => s.StagePercent, 50).Add(s => s.OverallPercent, 36));

        Assert.Equal("Stage 3 of 7", progress.Find(".stage").TextContent);
        Assert.Equal("Problem Definition", progress.Find(".stage-name").TextContent);
        Assert.Equal(["50", "36"], progress.FindAll("progress").Select(p => p.GetAttribute("value")));
    }

    [Fact]
    public void TheBriefListsWhatTheFounderSaidAsTextAndLeavesOutIdsAndEmptyFields()
    {
        var fields = new Dictionary<string, string?>
        {
            ["id"] = "0193…",
            ["session_id"] = "itv_01J…",
            ["company_name"] = "Ledgerline",
            ["target_customers"] = "<img src=x onerror=alert(1)> firms",
            ["competitors"] = null,
            ["created_at"] = "2026-11-23T10:00:00Z",
        };

        var brief = Render<BriefSummary>(p => p.Add(b => b.Fields, fields));

        Assert.Equal(["Company name", "Target customers"], brief.FindAll("dt").Select(d => d.TextContent));
        Assert.Equal("<img src=x onerror=alert(1)> firms", brief.Find("dd[data-field='target_customers'] .value").TextContent);
        Assert.Empty(brief.FindAll("img"));
        Assert.Empty(brief.FindAll("button"));
    }

    [Fact]
    public void EachFieldSaysWhichAnswerItCameFromAndWhy()
    {
        var sources = new Dictionary<string, InterviewFieldSource>
        {
            ["target_customers"] = new("conversation",
            [
                new(1, "msg_1", "What are you building?", "Our customers are studio owners.", "says \"Our customers are\""),
                new(4, "msg_4", "Who are your customers?", "Mostly in Bristol.", "the answer to the question asked"),
            ]),
            ["competitors"] = new("correction", []),
        };

        var brief = Render<BriefSummary>(p => p.Add(b => b.Fields, Fields).Add(b => b.Sources, sources));

        var from = brief.FindAll("dd[data-field='target_customers'] .source");
        Assert.Equal(["1", "4"], from.Select(s => s.GetAttribute("data-answer")));
        Assert.Equal("From your answer 1, to “What are you building?” (says \"Our customers are\")", Squeeze(from[0].TextContent));
        Assert.Equal("From your answer 4, to “Who are your customers?”", Squeeze(from[1].TextContent));
        Assert.Equal("Corrected by you on the summary.", brief.Find("dd[data-field='competitors'] .source").TextContent);
    }

    [Fact]
    public void BeforeApprovalAFieldIsCorrectedInTheFoundersOwnWordsAndAnEmptyOneCanBeFilledIn()
    {
        BriefCorrection? kept = null;
        var brief = Render<BriefSummary>(p => p
            .Add(b => b.Fields, Fields).Add(b => b.Editable, true).Add(b => b.OnCorrect, (BriefCorrection c) => kept = c));

        Assert.Equal("Not answered", brief.Find("dd[data-field='available_budget'] .value.empty").TextContent);
        Assert.Equal("Add", brief.Find("dd[data-field='available_budget'] button.correct").TextContent);
        brief.Find("dd[data-field='competitors'] button.correct").Click();
        Assert.Equal("Spreadsheets.", brief.Find("dd[data-field='competitors'] textarea").GetAttribute("value"));
        brief.Find("dd[data-field='competitors'] textarea").Input("  ADP, Gusto and 7shifts.  ");
        brief.Find("dd[data-field='competitors'] button.keep").Click();

        Assert.Equal(new BriefCorrection("competitors", "ADP, Gusto and 7shifts."), kept);
        Assert.Empty(brief.FindAll("textarea"));
    }

    [Fact]
    public void AKeptCorrectionShowsInPlaceOfTheConversationsWordsUntilApproved()
    {
        var brief = Render<BriefSummary>(p => p
            .Add(b => b.Fields, Fields).Add(b => b.Editable, true)
            .Add(b => b.Corrections, new Dictionary<string, string> { ["competitors"] = "ADP and Gusto." }));

        var field = brief.Find("dd[data-field='competitors']");
        Assert.Contains("corrected", field.ClassList);
        Assert.Equal("ADP and Gusto.", field.QuerySelector(".value")!.TextContent);
        Assert.Equal("Your correction: saved when you approve.", field.QuerySelector(".source")!.TextContent);
    }

    [Theory]
    [InlineData("queued", ".pending", "The analysis is queued…")]
    [InlineData("running", ".pending", "The analysis is running…")]
    [InlineData("failed", ".failure", "The analysis failed: the brief was gone")]
    public void AnAnalysisNotYetDoneSaysWhereItIs(string status, string selector, string text)
    {
        var analysis = new InterviewAnalysis("run_01J", status, null, [], null, null, status == "failed" ? "the brief was gone" : null);

        var view = Render<AnalysisResult>(p => p.Add(a => a.Analysis, analysis));

        Assert.Equal(text, view.Find(selector).TextContent);
        Assert.Equal("/dashboard/runs/run_01J", view.Find(".run a").GetAttribute("href"));
    }

    [Fact]
    public void ADoneAnalysisShowsItsSummaryAndEachInsightWithItsConfidence()
    {
        var analysis = new InterviewAnalysis("run_01J", "succeeded", "Ledgerline: books closed for you.",
            [new("customer-focus", "A specific first customer", "\"Firms with 5 to 50 staff\"", "high"), new("competition", "Name the alternatives", "None named.", "low")],
            "offline", DateTimeOffset.UtcNow, null);

        var view = Render<AnalysisResult>(p => p.Add(a => a.Analysis, analysis));

        Assert.Equal("Ledgerline: books closed for you.", view.Find(".summary").TextContent);
        Assert.Equal(["customer-focus", "competition"], view.FindAll(".insight").Select(i => i.GetAttribute("data-id")));
        Assert.Equal(["high", "low"], view.FindAll(".confidence").Select(c => c.TextContent));
    }

    private static string Squeeze(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
