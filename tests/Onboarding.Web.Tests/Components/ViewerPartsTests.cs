using Microsoft.Extensions.Time.Testing;
using Onboarding.Web.Components.Sessions;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;

namespace Onboarding.Web.Tests.Components;

/// <summary>The header, the chain and live indicators and the problem pages around the event cards.</summary>
public class ViewerPartsTests : FluentContext
{
    private static readonly DateTimeOffset Now = new(2025, 5, 6, 12, 0, 0, TimeSpan.Zero);

    private static SessionSummary Summary(bool claimed = false, string? projectHint = "github.com/acme/agents") => new(
        "ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y", Now.AddMinutes(-3), Now.AddDays(30), claimed, claimed ? "acme" : null,
        "claude-code/0.5.0 <b>bold</b>", projectHint, 4);

    private IRenderedComponent<SessionHeader> RenderHeader(SessionSummary session, string zone = "UTC") =>
        Render<SessionHeader>(parameters => parameters
            .Add(p => p.Session, session)
            .Add(p => p.Clock, ViewerClock.For(zone, new FakeTimeProvider(Now))));

    [Fact]
    public void TheHeaderShowsIdProjectAgentAndBothTimes()
    {
        var cut = RenderHeader(Summary());

        Assert.Equal("ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y", cut.Find("h1").TextContent);
        var values = cut.FindAll("dd").Select(d => d.TextContent.Trim()).ToList();
        Assert.Equal("github.com/acme/agents", values[0]);
        Assert.Equal("claude-code/0.5.0 <b>bold</b>", values[1]);
        Assert.Empty(cut.FindAll("dd b"));
        Assert.Contains("6 May 2025, 11:57", values[2]);
        Assert.Contains("3 minutes ago", values[2]);
        Assert.Contains("5 Jun 2025, 12:00", values[3]);
        Assert.Contains("in 30 days", values[3]);
        Assert.Empty(cut.FindAll(".claimed-banner"));
    }

    [Fact]
    public void TimesFollowTheBrowsersZone()
    {
        var cut = RenderHeader(Summary(), "Europe/Paris");

        Assert.Contains("6 May 2025, 13:57", cut.FindAll("dd")[2].TextContent);
        Assert.Contains("Europe/Paris", cut.Find(".zone").TextContent);
    }

    [Fact]
    public void AMissingProjectHintIsSaidPlainly()
    {
        var cut = RenderHeader(Summary(projectHint: null));

        Assert.Equal("not given", cut.FindAll("dd")[0].TextContent.Trim());
    }

    [Fact]
    public void AClaimedSessionShowsWhoClaimedItAndNoExpiry()
    {
        var cut = RenderHeader(Summary(claimed: true));

        Assert.Contains("Claimed by acme", cut.Find(".claimed-banner").OuterHtml);
        Assert.Contains("Never", cut.FindAll("dd")[3].TextContent);
    }

    [Theory]
    [InlineData(0, 0, null, "No events yet")]
    [InlineData(0, 1_001, null, "Verifying the chain: verified 0 of 1,001")]
    [InlineData(250, 1_001, null, "Verifying the chain: verified 250 of 1,001")]
    [InlineData(5, 5, null, "Chain verified (5 events)")]
    [InlineData(1, 1, null, "Chain verified (1 event)")]
    [InlineData(2, 5, 3L, "Chain broken at seq 3")]
    public void TheChainIndicatorSaysWhatWasVerified(long verified, long total, long? brokenAt, string text)
    {
        var cut = Render<ChainIndicator>(parameters => parameters
            .Add(p => p.Status, new ChainStatus(verified, brokenAt, brokenAt is null ? null : "a gap"))
            .Add(p => p.Total, total));

        Assert.Contains(text, cut.Find(".chain").TextContent);
        Assert.Equal(brokenAt is not null, cut.Find(".chain").ClassList.Contains("chain-broken"));
    }

    [Theory]
    [InlineData(true, 30, false, "Live", "push")]
    [InlineData(false, 1, false, "Checking every second", "polling")]
    [InlineData(false, 30, false, "Checking every 30 seconds", "polling")]
    [InlineData(true, 30, true, "Reconnecting…", "reconnecting")]
    [InlineData(null, 5, false, "Connecting…", "connecting")]
    public void TheLiveIndicatorSaysHowChangesArrive(bool? push, int seconds, bool reconnecting, string text, string mode)
    {
        var cut = Render<LiveIndicator>(parameters => parameters
            .Add(p => p.Mode, push is { } pushed ? new UpdateMode(pushed, TimeSpan.FromSeconds(seconds)) : null)
            .Add(p => p.Reconnecting, reconnecting));

        Assert.Equal(text, cut.Find(".live").TextContent.Trim());
        Assert.Equal(mode, cut.Find(".live").GetAttribute("data-mode"));
    }

    [Theory]
    [InlineData(SessionReadFailure.TokenInvalid, "This link is invalid or was revoked")]
    [InlineData(SessionReadFailure.SessionExpired, "This session has expired")]
    [InlineData(SessionReadFailure.SessionNotFound, "There is no such session")]
    [InlineData(SessionReadFailure.ApiUnavailable, "The onboarding service cannot be reached")]
    public void EachProblemHasItsOwnPage(SessionReadFailure failure, string title)
    {
        var cut = Render<ViewerProblem>(parameters => parameters.Add(p => p.Failure, failure));

        Assert.Equal(title, cut.Find("h1").TextContent);
        Assert.Equal(failure.ToString(), cut.Find("section").GetAttribute("data-problem"));
        // Only an outage is worth retrying; a bad link stays bad.
        Assert.Equal(failure == SessionReadFailure.ApiUnavailable, cut.FindAll("fluent-button, button").Count > 0);
    }

    [Fact]
    public void RetryingAnOutageCallsBack()
    {
        var retried = 0;
        var cut = Render<ViewerProblem>(parameters => parameters
            .Add(p => p.Failure, SessionReadFailure.ApiUnavailable)
            .Add(p => p.OnRetry, () => retried++));

        cut.FindComponent<Microsoft.FluentUI.AspNetCore.Components.FluentButton>().Find("*").Click();

        Assert.Equal(1, retried);
    }
}
