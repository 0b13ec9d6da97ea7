using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Web.Components.Dashboard;
using Onboarding.Web.Dashboard;
using Onboarding.Web.Infrastructure;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Onboarding.Web.Tests.Components;

namespace Onboarding.Web.Tests.Dashboard;

/// <summary>The workspace home's parts: the agent session, the website's context, the interview, the runs grid, the live badge.</summary>
public sealed class HomePartsTests : FluentContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly ViewerClock _clock = ViewerClock.Utc(new FakeTimeProvider(Now));

    public HomePartsTests() => Services.AddSingleton(Options.Create(new AspireDashboardOptions()));

    [Fact]
    public void TheAgentSessionShowsWhoClaimedItItsLastEventsAndTheViewerAsText()
    {
        var agent = new AgentSessionView(
            "ses_01", "acme", "dev@acme.com", Now.AddMinutes(-5), Now.AddHours(-1), "<b>agent</b>", null, 9,
            "http://web.test/onboarding/ses_01?t=tok",
            [new(9, "onboarding.claimed", Now.AddMinutes(-5).ToUnixTimeMilliseconds()), new(8, "onboarding.<script>", 1746478291000)]);

        var card = Render<AgentSessionCard>(p => p.Add(c => c.Agent, agent).Add(c => c.Clock, _clock));

        Assert.Equal("acme (dev@acme.com), 5 minutes ago", card.Find(".claimed-by").TextContent);
        Assert.Equal(["9", "8"], card.FindAll(".last-events li").Select(li => li.GetAttribute("data-seq")));
        Assert.Equal("onboarding.<script>", card.FindAll(".last-events .type")[1].TextContent);
        Assert.Contains("5 May 2025", card.FindAll(".last-events time")[1].TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("script, b"));
        var viewer = card.Find("a.open-viewer");
        Assert.Equal((agent.ViewUrl, "noopener noreferrer"), (viewer.GetAttribute("href"), viewer.GetAttribute("rel")));
    }

    [Fact]
    public void AWorkspaceWithoutAnAgentSessionSaysSo()
    {
        var card = Render<AgentSessionCard>(p => p.Add(c => c.Agent, null));

        Assert.Contains("not claimed from an agent session", card.Find(".none").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("a"));
    }

    [Fact]
    public void TheWebsiteCardShowsTheRunLiveAndTheContextsSummaryWithItsFreshness()
    {
        var session = new ScrapeSessionView(Guid.NewGuid(), "gathering_info", null, null, null, "https://acme.example", "run_01", null, 7, 3, Now, Now, null);
        var context = new ContextView(
            "https://acme.example", "Acme", new CompanyContextView("Acme", "https://acme.example", "Rockets for all", null, [], [], [], null, null),
            new MarketContextView("Aerospace", [], [], [], [], null, null), new IcpView("Mid-size factories", [], [], [], [], [], [], null),
            null, Now.AddHours(-2), null);

        var card = Render<WebsiteCard>(p => p.Add(c => c.Onboarding, session).Add(c => c.Context, context).Add(c => c.Clock, _clock));

        Assert.Equal("gathering_info", card.Find(".session").GetAttribute("data-status"));
        Assert.Equal("3 fetched of 7 found", card.Find(".pages").TextContent);
        Assert.Equal("/dashboard/runs/run_01", card.Find(".run-id a").GetAttribute("href"));
        Assert.Equal("Acme — Rockets for all", card.Find(".summary-company").TextContent);
        Assert.Equal("Aerospace", card.Find(".summary-market").TextContent);
        Assert.Equal("Mid-size factories", card.Find(".summary-icp").TextContent);
        Assert.Equal("2 hours ago", card.Find(".freshness").TextContent);
        Assert.Equal("https://acme.example", card.Find("#website").GetAttribute("value"));
        Assert.Equal("Onboard again", card.Find(".start-form button").TextContent);
    }

    [Fact]
    public void StartingSendsTheTypedWebsiteAndAFreshWorkspaceInvitesTheFirstScrape()
    {
        string? started = null;
        var card = Render<WebsiteCard>(p => p.Add(c => c.OnStart, (string website) => started = website));

        Assert.Contains("No onboarding yet", card.Find(".empty").TextContent, StringComparison.Ordinal);
        Assert.Equal("website", card.Find("label").GetAttribute("for"));
        card.Find("#website").Change(" https://acme.example ");
        card.Find(".start-form").Submit();

        Assert.Equal("https://acme.example", started);
    }

    [Fact]
    public void TheInterviewCardShowsStageAndProgressOrHowToStart()
    {
        var open = Render<InterviewCard>(p => p.Add(c => c.Interview, new InterviewStatus("itv_1", "paused", 3, 7, "Problem", 38, 50, 4)));
        var none = Render<InterviewCard>(p => p.Add(c => c.Interview, null));

        Assert.Equal("Stage 3 of 7: Problem (paused)", open.Find(".stage").TextContent);
        Assert.Equal("38", open.Find("progress").GetAttribute("value"));
        Assert.Equal(("/dashboard/interview?session=itv_1", "Resume the interview"), (open.Find(".next a").GetAttribute("href"), open.Find(".next a").TextContent));
        Assert.Equal("none", none.Find("section").GetAttribute("data-status"));
        Assert.Equal("Start the interview", none.Find(".next a").TextContent);
    }

    [Fact]
    public void ACompletedInterviewShowsItsBriefAndAnalysisNotAnInvitationToStart()
    {
        var approved = new InterviewStatus("itv_2", "completed", 7, 7, "Goals", 100, 100, 20, new InterviewCompletion(DateTimeOffset.UtcNow, "succeeded"));
        var written = Render<InterviewCard>(p => p.Add(c => c.Interview, approved with { Completion = new InterviewCompletion(DateTimeOffset.UtcNow, null) }));
        var analysed = Render<InterviewCard>(p => p.Add(c => c.Interview, approved));

        Assert.Equal("completed", analysed.Find("section").GetAttribute("data-status"));
        Assert.Equal("100", analysed.Find("progress").GetAttribute("value"));
        Assert.Equal(("/dashboard/interview?session=itv_2", "Read the brief and its analysis"), (analysed.Find(".next a").GetAttribute("href"), analysed.Find(".next a").TextContent));
        Assert.Equal("succeeded", analysed.Find(".analysis").GetAttribute("data-status"));
        Assert.Equal("Review and approve the brief", written.Find(".next a").TextContent);
        Assert.Empty(written.FindAll(".none"));
    }

    [Fact]
    public void TheRunsGridListsNewestFirstFiltersByKindAndStateAndPages()
    {
        var runs = Enumerable.Range(0, 14)
            .Select(i => new RunView($"run_{i:00}", i % 2 == 0 ? "scrape" : "regenerate", i == 13 ? "failed" : "succeeded", 1, 5, null, null, null, Now.AddMinutes(i), Now.AddMinutes(i), Now.AddMinutes(i).AddSeconds(3)))
            .ToList();

        var grid = Render<RunsGrid>(p => p.Add(g => g.Runs, runs));

        string[] Shown() => [.. grid.FindAll(".run-link").Select(a => a.TextContent)];
        Assert.Equal(RunsGrid.PageSize, Shown().Length);
        Assert.Equal("run_13", Shown()[0]);
        Assert.Equal("14 of 14 runs", grid.Find(".count").TextContent);
        Assert.Single(grid.FindComponents<Microsoft.FluentUI.AspNetCore.Components.FluentPaginator>());

        grid.Find(".kind-filter").Change("regenerate");
        grid.WaitForAssertion(() => Assert.Equal(["run_13", "run_11", "run_09", "run_07", "run_05", "run_03", "run_01"], Shown()));
        grid.Find(".state-filter").Change("failed");
        grid.WaitForAssertion(() => Assert.Equal(["run_13"], Shown()));
        Assert.Equal("1 of 14 runs", grid.Find(".count").TextContent);
        Assert.Equal("3.0 s", grid.Find(".run-duration").TextContent);
    }


    [Fact]
    public void ARunsAttemptsSayHowEachEndedAndTheLastOneCarriesTheError()
    {
        var start = Now.AddMinutes(-3);
        var run = new RunView("run_01", "scrape", "failed", 2, 5, null, "The home page returned 404 Not Found.", null, start, start, Now);
        RunStepView[] steps =
        [
            new("looking_up", null, "error", 1, start, start.AddMilliseconds(300), "a"),
            new("looking_up", null, "error", 2, start.AddMinutes(1), start.AddMinutes(1).AddMilliseconds(1500), "b"),
        ];

        var attempts = Render<RunAttempts>(p => p.Add(a => a.Run, run).Add(a => a.Steps, steps));

        var items = attempts.FindAll(".attempt");
        Assert.Equal(["failed, retried", "failed"], items.Select(i => i.GetAttribute("data-outcome")));
        Assert.Equal("300 ms · 1 step", items[0].QuerySelector(".took")!.TextContent);
        Assert.Null(items[0].QuerySelector(".error"));
        Assert.Equal("The home page returned 404 Not Found.", items[1].QuerySelector(".error")!.TextContent);
    }

    [Theory]
    [InlineData("run_01ABC", JourneyParts.Scrape)]
    [InlineData("/api/onboarding/start-scraping", JourneyParts.Scrape)]
    [InlineData("/api/context/regenerate", JourneyParts.Context | JourneyParts.Scrape)]
    [InlineData("/api/chat/save", JourneyParts.Interview)]
    [InlineData("/api/interview/complete", JourneyParts.Interview | JourneyParts.Scrape)]
    [InlineData("something new", JourneyParts.All)]
    public void ANotificationReadsOnlyThePartsItNames(string message, JourneyParts parts) =>
        Assert.Equal(parts, LiveWorkspace.PartsChangedBy(message));
}
