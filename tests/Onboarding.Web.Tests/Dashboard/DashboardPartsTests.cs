using Microsoft.Extensions.Time.Testing;
using Onboarding.Web.Components.Dashboard;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Onboarding.Web.Tests.Components;

namespace Onboarding.Web.Tests.Dashboard;

/// <summary>The dashboard's parts: the status stepper, the run timeline, sources from crawled sites, the regenerate window.</summary>
public sealed class DashboardPartsTests : FluentContext
{
    [Theory]
    [InlineData("pending", "", "pending", "")]
    [InlineData("gathering_info", "pending looking_up", "gathering_info", "")]
    [InlineData("completed", "pending looking_up gathering_info generating_context completed", "", "")]
    [InlineData("failed", "pending", "", "looking_up")]
    public void TheStepperMarksDoneCurrentAndFailedSteps(string status, string done, string current, string failed)
    {
        var stepper = Render<StatusStepper>(p => p.Add(s => s.Status, status).Add(s => s.ErrorStep, failed.Length > 0 ? failed : null));

        string Steps(string state) => string.Join(' ', stepper.FindAll($".step.{state}").Select(s => s.GetAttribute("data-status")));
        Assert.Equal(done, Steps("done"));
        Assert.Equal(current, Steps("current"));
        Assert.Equal(failed, Steps("failed"));
    }

    [Fact]
    public void TheTimelinePlacesEachStepInTheRunsTimeAndKeepsDetailsAsText()
    {
        var start = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        RunStepView[] steps =
        [
            new("looking_up", "acme.com", "ok", 1, start, start.AddMilliseconds(250), "a1"),
            new("fetch /", "<img src=x onerror=alert(1)>", "error", 1, start.AddMilliseconds(250), start.AddSeconds(1), "a2"),
        ];

        var timeline = Render<StepTimeline>(p => p.Add(t => t.Steps, steps));

        var items = timeline.FindAll(".timeline .step");
        Assert.Equal(["looking_up", "fetch /"], items.Select(i => i.GetAttribute("data-name")));
        Assert.Equal("left: 0%; width: 25%", items[0].QuerySelector(".bar")!.GetAttribute("style"));
        Assert.Equal("250 ms · attempt 1", items[0].QuerySelector(".duration")!.TextContent);
        Assert.Contains("error", items[1].ClassList);
        Assert.Equal("<img src=x onerror=alert(1)>", items[1].QuerySelector(".detail")!.TextContent);
        Assert.Empty(timeline.FindAll("img"));
    }

    [Fact]
    public void OnlyWebAddressesBecomeLinksAndNeverLeakTheReferrer()
    {
        var sources = Render<SourceList>(p => p.Add(s => s.Urls, ["https://acme.com/about", "javascript:alert(1)", "<script>alert(1)</script>"]));

        var link = Assert.Single(sources.FindAll("a"));
        Assert.Equal("https://acme.com/about", link.GetAttribute("href"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
        Assert.Contains("javascript:alert(1)", sources.Markup, StringComparison.Ordinal);
        Assert.Empty(sources.FindAll("script"));
    }

    [Fact]
    public void TheRegenerateWindowSaysWhenAndHowLongInTheViewersZone()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var last = time.GetUtcNow().AddHours(-18).AddMinutes(-48);

        var next = Cooldown.NextAllowed(last, time);

        Assert.Equal(last.AddHours(24), next);
        Assert.Equal("Available again at 23 Nov 2026, 18:12 (Europe/Berlin), in 5 h 12 min.",
            Cooldown.Phrase(next!.Value, ViewerClock.For("Europe/Berlin", time), time));
        time.Advance(TimeSpan.FromHours(5).Add(TimeSpan.FromMinutes(12)));
        Assert.Null(Cooldown.NextAllowed(last, time));
        Assert.Null(Cooldown.NextAllowed(null, time));
    }
}
