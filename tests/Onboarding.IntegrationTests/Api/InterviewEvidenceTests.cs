using Microsoft.AspNetCore.Hosting;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using static Onboarding.IntegrationTests.Infrastructure.InterviewClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>
/// The interview credits a topic only from evidence, and each brief field holds the founder's own sentences about it:
/// scripted founders answering the question actually asked, through the real Api.
/// </summary>
public sealed class InterviewEvidenceTests(OnboardingApiFactory factory)
{
    private const string SpreadsheetsConfirmation =
        "You mentioned spreadsheets: is that what they use instead of a product today, and who else do they consider?";

    [Fact]
    public async Task AnAnswerAboutCostThatMentionsSpreadsheetsCreditsNoCompetitorsAndTheInterviewerConfirmsThem()
    {
        var founder = ScriptedFounders.Shiftbook;

        var (client, id, turns) = await AtTheConfirmationAsync(factory.CreateClient());

        var cost = turns.Single(t => t.Topic == "problem_impact");
        Assert.DoesNotContain("competitors", cost.Collected);
        Assert.DoesNotContain("competition", cost.Reply, StringComparison.Ordinal);
        Assert.EndsWith(SpreadsheetsConfirmation, turns[^1].Reply, StringComparison.Ordinal);

        var rest = await client.PlayAsync(id, founder, earlier: turns);
        var brief = (await client.BriefAsync(id))["brief"]!;
        Assert.Equal(Founder.Text(founder.Answer("competitors", 0)), brief["competitors"]!.GetValue<string>());
        Assert.Equal(Founder.Text(founder.Answer("problem_impact", 0)), brief["problem_impact"]!.GetValue<string>());
        Assert.Single(rest, t => t.Topic == "competitors");
    }

    [Fact]
    public async Task ARamblingAnswerCreditsEachTopicItPlainlySpeaksOfWithItsOwnSentencesAndNoneIsAskedAgain()
    {
        var founder = ScriptedFounders.Kilnhouse;
        var client = await ClaimAsync(factory.CreateClient());
        var id = await client.StartNewAsync();

        var turns = await client.PlayAsync(id, founder);

        Assert.Equal(["business_concept", "founder_background", "target_customers"], turns[0].Collected);
        Assert.Contains("You've also told me about your background and your customers, so I won't ask about that again.", turns[0].Reply, StringComparison.Ordinal);
        Assert.Equal("early_adopters", turns[0].Next);
        Assert.DoesNotContain(turns, t => t.Topic is "founder_background" or "target_customers" or "problem_impact");
        Assert.Equal(11, turns.Count);
        var brief = (await client.BriefAsync(id))["brief"]!;
        var opening = founder.Answer("business_concept", 0);
        Assert.Equal(opening[0].Text, brief["business_concept"]!.GetValue<string>());
        Assert.Equal(opening[1].Text, brief["founder_background"]!.GetValue<string>());
        Assert.Equal(opening[2].Text, brief["target_customers"]!.GetValue<string>());
        Assert.Equal(founder.Answer("problem_description", 0)[0].Text, brief["problem_description"]!.GetValue<string>());
        Assert.Equal(founder.Answer("problem_description", 0)[1].Text, brief["problem_impact"]!.GetValue<string>());
        Assert.Equal("Kilnhouse", brief["company_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATerseFounderIsTakenAtTheirWordOneQuestionATopic()
    {
        var founder = ScriptedFounders.Quill;
        var client = await ClaimAsync(factory.CreateClient());
        var id = await client.StartNewAsync();

        var turns = await client.PlayAsync(id, founder);

        Assert.Equal(Founder.Topics.Select(t => t.Topic), turns.Select(t => t.Topic));
        Assert.True(turns[^1].Saved["completed"]!.GetValue<bool>());
        var brief = (await client.BriefAsync(id))["brief"]!;
        Assert.All(Founder.Topics, t => Assert.Equal(Founder.Text(founder.Answer(t.Topic, 0)), brief[t.Field]!.GetValue<string>()));
    }

    [Fact]
    public async Task APlainYesToAConfirmationCreditsTheSentenceItAskedAbout()
    {
        var (client, id, turns) = await AtTheConfirmationAsync(factory.CreateClient());

        var yes = await client.AnswerAsync(id, "competitors", "Yes.", turns[^1].Version);

        Assert.Contains("competitors", yes.Collected);
        Assert.Equal("competitive_advantages", yes.Next);
        await client.PlayAsync(id, ScriptedFounders.Shiftbook, earlier: [.. turns, yes]);
        var brief = (await client.BriefAsync(id))["brief"]!;
        Assert.Equal("owners spend 5-10 hours a week on compliance spreadsheets.", brief["competitors"]!.GetValue<string>());
    }

    [Fact]
    public async Task APlainNoToAConfirmationCreditsNothingAndAsksThePlainQuestion()
    {
        var (client, id, turns) = await AtTheConfirmationAsync(factory.CreateClient());

        var no = await client.AnswerAsync(id, "competitors", "No.", turns[^1].Version);

        Assert.DoesNotContain("competitors", no.Collected);
        Assert.Equal("competitors", no.Next);
        Assert.Equal("Thanks for clearing that up. Who else solves this today: competitors, tools, or workarounds like spreadsheets?", no.Reply);
        var answer = await client.AnswerAsync(id, "competitors", "Gusto and ADP, mostly.", no.Version);
        Assert.Contains("competitors", answer.Collected);
    }

    [Fact]
    public async Task ATopicTheFounderTwiceSaidNothingAboutIsSetAsideAndAskedOnceMoreBeforeTheEnd()
    {
        var founder = ScriptedFounders.Greenloop;
        var client = await ClaimAsync(factory.CreateClient());
        var id = await client.StartNewAsync();

        var turns = await client.PlayAsync(id, founder);

        var budget = turns.Where(t => t.Topic == "budget").ToList();
        Assert.Equal(3, budget.Count);
        Assert.StartsWith("Let's leave your budget for now; I'll come back to it before we finish.", budget[1].Reply, StringComparison.Ordinal);
        Assert.Equal("team", budget[1].Next);
        Assert.Same(budget[2], turns[^1]);
        Assert.Contains("Before we finish, let's come back to your budget.", turns[^2].Reply, StringComparison.Ordinal);
        Assert.Equal(17, turns.Count);
        var brief = (await client.BriefAsync(id))["brief"]!;
        Assert.Equal(Founder.Text(founder.Answer("budget", 2)), brief["available_budget"]!.GetValue<string>());
        Assert.Equal(Founder.Text(founder.Answer("founder_background", 1)), brief["founder_background"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATopicStillUnansweredTheLastTimeIsLeftEmpty()
    {
        var client = await ClaimAsync(factory.CreateClient());
        var id = await client.StartNewAsync();
        var budgetAsked = 0;
        var turns = await client.PlayAsync(id, ScriptedFounders.Greenloop, stopBefore: topic => topic == "budget" && ++budgetAsked == 3);

        var last = await client.AnswerAsync(id, "budget", "Pass.", turns[^1].Version);

        Assert.True(last.Saved["completed"]!.GetValue<bool>());
        Assert.StartsWith("All right, I'll leave your budget out of the brief; you can add it on the summary.", last.Reply, StringComparison.Ordinal);
        var brief = (await client.BriefAsync(id))["brief"]!;
        Assert.Null(brief["available_budget"]);
    }

    [Fact]
    public async Task TheBriefSaysWhereEachFieldCameFromAndKeepsTheFoundersCorrections()
    {
        var founder = ScriptedFounders.Kilnhouse;
        var client = await ClaimAsync(factory.CreateClient());
        var id = await client.StartNewAsync();
        var turns = await client.PlayAsync(id, founder);

        var sources = (await client.BriefAsync(id))["sources"]!;
        var customers = sources["target_customers"]!;
        Assert.Equal("conversation", customers["kind"]!.GetValue<string>());
        Assert.Equal((1, turns[0].MessageId), (customers["sentences"]![0]!["answer"]!.GetValue<int>(), customers["sentences"]![0]!["messageId"]!.GetValue<string>()));
        Assert.Equal("What are you building, and what is it called? A sentence or two is plenty.", customers["sentences"]![0]!["question"]!.GetValue<string>());
        Assert.Equal("says \"Our customers are\"", customers["sentences"]![0]!["reason"]!.GetValue<string>());
        var cost = sources["problem_impact"]!["sentences"]![0]!;
        Assert.Equal((3, turns[1].Reply), (cost["answer"]!.GetValue<int>(), cost["question"]!.GetValue<string>()));

        const string team = "Me and Tom, our developer, full-time from May.";
        await client.PostJsonAsync("/api/interview/complete", new { sessionId = id, finalConfirmation = true, entrepreneurBrief = new { team_capabilities = team, competitors = "" } });
        await client.PostJsonAsync("/api/interview/complete", new { sessionId = id, finalConfirmation = true });

        var corrected = await client.BriefAsync(id);
        Assert.Equal(team, corrected["brief"]!["team_capabilities"]!.GetValue<string>());
        Assert.Null(corrected["brief"]!["competitors"]);
        Assert.Equal("correction", corrected["sources"]!["team_capabilities"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheDebugViewIsNotServedOutsideDevelopment()
    {
        var client = await ClaimAsync(factory.CreateClient());
        var id = await client.StartNewAsync();

        await AssertErrorAsync(await client.GetAsync($"/api/interview/debug?sessionId={id}"), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task InDevelopmentTheDebugViewShowsEachTopicsStandingAndTheEvidenceBehindIt()
    {
        await using var api = factory.WithWebHostBuilder(builder => builder.UseEnvironment("Development"));
        var (client, id, turns) = await AtTheConfirmationAsync(api.CreateClient());

        var debug = await ReadAsync(await client.GetAsync($"/api/interview/debug?sessionId={id}"));

        Assert.Equal(("competitors", "confirmation"), (debug["askedTopic"]!.GetValue<string>(), debug["asking"]!.GetValue<string>()));
        var topics = debug["topics"]!.AsArray().ToDictionary(t => t!["topic"]!.GetValue<string>());
        var competitors = topics["competitors"]!;
        Assert.Equal(("partial", 1, 1), (competitors["state"]!.GetValue<string>(), competitors["asked"]!.GetValue<int>(), competitors["confirmations"]!.GetValue<int>()));
        var mentions = competitors["evidence"]!.AsArray().Select(e => (e!["use"]!.GetValue<string>(), e["sentence"]!["answer"]!.GetValue<int>(), e["sentence"]!["reason"]!.GetValue<string>()));
        Assert.Equal([("partial", 5, "mentions \"by hand\""), ("partial", 6, "mentions \"spreadsheets\"")], mentions);
        var cost = topics["problem_impact"]!;
        Assert.Equal("covered", cost["state"]!.GetValue<string>());
        Assert.All(cost["evidence"]!.AsArray(), e => Assert.Equal(("credited", turns[5].MessageId), (e!["use"]!.GetValue<string>(), e["sentence"]!["messageId"]!.GetValue<string>())));
        Assert.Equal("open", topics["goals"]!["state"]!.GetValue<string>());
        Assert.Equal(("partial", 0), (topics["business_stage"]!["state"]!.GetValue<string>(), topics["business_stage"]!["asked"]!.GetValue<int>()));
        await AssertErrorAsync(await client.GetAsync("/api/interview/debug?sessionId=itv_01JABCDEFGHJKMNPQRSTVWXYZ0"), 404, "SESSION_NOT_FOUND");
    }

    [Fact]
    public async Task WithAModelTheAssessmentDecidesWhatIsCoveredAndTheModelIsToldWhatToConfirm()
    {
        await using var model = await FakeChatModel.StartAsync(_ => ChatModelReply.Text("Thanks! Next question."));
        await using var api = factory.WithSettings(("Interview:Endpoint", model.BaseUrl + "v1"), ("Interview:Model", "interviewer-1"));

        var (_, _, turns) = await AtTheConfirmationAsync(api.CreateClient());

        Assert.Equal("competitors", turns[^1].Next);
        var cost = model.Requests.Single(r => r.Messages[^1].Text == turns.Single(t => t.Topic == "problem_impact").Answer);
        Assert.Contains("Do not say or suggest that the founder has already told you about any other topic.", cost.SystemText, StringComparison.Ordinal);
        var confirming = model.Requests.Single(r => r.Messages[^1].Text == turns[^1].Answer);
        Assert.Contains("earlier they said \"owners spend 5-10 hours a week on compliance spreadsheets.\"", confirming.SystemText, StringComparison.Ordinal);
        Assert.Contains(SpreadsheetsConfirmation, confirming.SystemText, StringComparison.Ordinal);
    }

    /// <summary>The restaurant-payroll founder's interview in a new workspace, played up to the question about competitors.</summary>
    private static async Task<(InterviewClient Client, string Id, List<PlayedTurn> Turns)> AtTheConfirmationAsync(HttpClient http)
    {
        var client = await ClaimAsync(http);
        var id = await client.StartNewAsync();
        return (client, id, await client.PlayAsync(id, ScriptedFounders.Shiftbook, stopBefore: topic => topic == "competitors"));
    }
}
