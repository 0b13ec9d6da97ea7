using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FluentUI.AspNetCore.Components;
using Microsoft.JSInterop;
using Onboarding.Web.Components.Pages.Sessions;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Onboarding.Web.Tests.Support;

namespace Onboarding.Web.Tests.Components;

/// <summary>The viewer page on a 10,001-event session: a window of cards, opened at the tip, moved by its ends.</summary>
public sealed class WindowedViewerTests : FluentContext
{
    private const int Events = 10_001;
    private readonly FakeSessionApi _api = new(Events);

    public WindowedViewerTests()
    {
        Services.AddSingleton(new OnboardingApiClient(_api.Client(), NullLogger<OnboardingApiClient>.Instance));
        Services.AddSingleton<ISessionUpdates>(new NoUpdates());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
    }

    private IRenderedComponent<SessionViewer> RenderViewer()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"onboarding/{Chains.SessionId}?t={_api.LastIssuedToken}");
        return Render<SessionViewer>(parameters => parameters.Add(p => p.SessionId, Chains.SessionId));
    }

    private static List<long> Cards(IRenderedComponent<SessionViewer> cut) =>
        [.. cut.FindAll("article[data-seq]").Select(a => long.Parse(a.GetAttribute("data-seq")!, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Finds and clicks the button on the renderer's thread, so no progress render replaces its handler in between.</summary>
    private static Task Click(IRenderedComponent<SessionViewer> cut, string label) =>
        cut.InvokeAsync(() => cut.FindComponents<FluentButton>().Single(b => b.Markup.Contains(label, StringComparison.Ordinal)).Find("*").Click());

    [Fact]
    public void ItOpensAtTheTipWithOnePageOfCardsAndSaysWhatLiesBefore()
    {
        var cut = RenderViewer();

        cut.WaitForAssertion(() => Assert.Equal(Enumerable.Range(Events - 49, 50).Select(n => (long)n), Cards(cut)));
        Assert.Contains("9,951 older events", cut.Find("li[data-edge=older]").TextContent);
        Assert.Empty(cut.FindAll("li[data-edge=newer]"));
    }

    [Fact]
    public void ItShowsVerificationProgressThenTheVerifiedChain()
    {
        var cut = RenderViewer();

        cut.WaitForAssertion(() => Assert.Contains("Chain verified (10,001 events)", cut.Find(".chain").TextContent), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AScriptThatFailsAfterARenderLeavesTheViewerWorking()
    {
        // The page's script placing the window threw once in the bench (an observer given something not an element),
        // which ended the circuit: the page stopped at "verified 0 of 10,001".
        var module = JSInterop.SetupModule("./Components/Pages/Sessions/SessionViewer.razor.js");
        module.Setup<SessionViewer.BrowserFacts?>("connect", _ => true).SetResult(new(1, true, "UTC"));
        module.SetupVoid("afterRender", _ => true).SetException(new JSException("Failed to execute 'observe' on 'ResizeObserver'"));

        var cut = RenderViewer();

        cut.WaitForAssertion(() => Assert.Contains("Chain verified (10,001 events)", cut.Find(".chain").TextContent), TimeSpan.FromSeconds(30));
        // Read on the renderer's thread, which records the calls.
        var placed = await cut.InvokeAsync(() => module.Invocations["afterRender"].ToList());
        Assert.True(placed.Count >= 2, $"afterRender called {placed.Count} times");
        // Only ever with the list a render put on the page.
        Assert.All(placed, call => Assert.NotNull(((ElementReference)call.Arguments[1]!).Id));
    }

    [Fact]
    public async Task GoingToTheFirstEventShowsItsPageAndTheNewerOnesWaitBelow()
    {
        var cut = RenderViewer();
        cut.WaitForAssertion(() => Assert.Equal(Events, Cards(cut)[^1]));

        await Click(cut, "Go to the first event");

        cut.WaitForAssertion(() => Assert.Equal(Enumerable.Range(1, 50).Select(n => (long)n), Cards(cut)));
        Assert.Empty(cut.FindAll("li[data-edge=older]"));
        Assert.Contains("9,951 newer events", cut.Find("li[data-edge=newer]").TextContent);
    }

    [Fact]
    public async Task ShowingOlderAndNewerMovesTheWindowWithoutEverHoldingMoreThanThreePages()
    {
        var cut = RenderViewer();
        cut.WaitForAssertion(() => Assert.Equal(Events, Cards(cut)[^1]));

        for (var i = 0; i < 4; i++)
        {
            var first = Cards(cut)[0];
            await Click(cut, "Show older");
            cut.WaitForAssertion(() => Assert.Equal(first - TimelineWindow.PageSize, Cards(cut)[0]));
            Assert.True(Cards(cut).Count <= TimelineWindow.MaxEvents);
        }

        Assert.Equal(Enumerable.Range(Events - 249, TimelineWindow.MaxEvents).Select(n => (long)n), Cards(cut));
        await Click(cut, "Show newer");
        cut.WaitForAssertion(() => Assert.Equal(Events - 50, Cards(cut)[^1]));
        await Click(cut, "Go to the latest");
        cut.WaitForAssertion(() => Assert.Equal(Events, Cards(cut)[^1]));
        Assert.Empty(cut.FindAll("li[data-edge=newer]"));
    }

    [Fact]
    public void ATamperedEventIsReportedWhereverTheWindowIs()
    {
        _api.Tamper(1_517);

        var cut = RenderViewer();

        cut.WaitForAssertion(() => Assert.Contains("Chain broken at seq 1517", cut.Find(".chain").TextContent), TimeSpan.FromSeconds(30));
    }

    private sealed class NoUpdates : ISessionUpdates
    {
        public bool IsConnected => false;

        public Task<IAsyncDisposable?> SubscribeAsync(string sessionId, Action<long> onUpdate, CancellationToken cancellationToken = default) =>
            Task.FromResult<IAsyncDisposable?>(null);
    }
}
