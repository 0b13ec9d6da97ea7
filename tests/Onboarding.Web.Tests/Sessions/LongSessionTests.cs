using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Onboarding.Web.Tests.Support;

namespace Onboarding.Web.Tests.Sessions;

/// <summary>
/// A long session through one viewer: it holds a window of events, not the chain, and verifies the chain page by page
/// with the running hash, each event once.
/// </summary>
public sealed class LongSessionTests : IAsyncDisposable
{
    private const int TenPages = 10 * ChainCheck.PageSize;

    private readonly FakeSessionApi _api = new(TenPages);
    private LiveSession? _live;

    [Fact]
    public async Task ItOpensAtTheTipAndVerifiesTheWholeChainEachEventOnce()
    {
        var live = Start();

        await Until(() => live.State.Chain.VerifiedCount == TenPages);

        Assert.False(live.State.Chain.IsBroken);
        Assert.True(live.State.Window.AtTip);
        Assert.Equal(TimelineWindow.PageSize, live.State.Events.Length);
        Assert.Equal(TenPages, live.State.Events[^1].Seq);
        var verifyReads = _api.Queries.Where(q => q.EndsWith($"limit={ChainCheck.PageSize}", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"after={i * ChainCheck.PageSize}&limit={ChainCheck.PageSize}"), verifyReads);
    }

    [Fact]
    public async Task ATamperedEventInPageSevenOfTenIsCaught()
    {
        var tampered = 6 * ChainCheck.PageSize + 17;
        _api.Tamper(tampered);

        var live = Start();

        await Until(() => live.State.Chain.IsBroken);
        Assert.Equal(tampered, live.State.Chain.BrokenAtSeq);
        Assert.Equal(tampered - 1, live.State.Chain.VerifiedCount);
        Assert.Equal("its hash does not match its content and the previous hash", live.State.Chain.Reason);
        // The check stops at the break: no page after it was read.
        Assert.DoesNotContain($"after={7 * ChainCheck.PageSize}&limit={ChainCheck.PageSize}", _api.Queries);
    }

    [Fact]
    public async Task AnOlderPageScrolledInThatDiffersFromTheVerifiedChainIsCaught()
    {
        var tampered = TenPages - 2 * TimelineWindow.PageSize - 7;
        _api.TamperInReadsOf(TimelineWindow.PageSize, tampered);
        var live = Start();
        await Until(() => live.State.Chain.VerifiedCount == TenPages);
        Assert.False(live.State.Chain.IsBroken);

        Assert.True(await live.LoadOlderAsync());
        Assert.False(live.State.Chain.IsBroken);
        Assert.True(await live.LoadOlderAsync());

        Assert.Equal(tampered, live.State.Chain.BrokenAtSeq);
        Assert.Equal("the copy shown differs from the one verified", live.State.Chain.Reason);
    }

    [Fact]
    public async Task ATipShownBeforeVerificationReachesItIsConfirmedWhenItDoes()
    {
        var tampered = TenPages - 3;
        _api.TamperInReadsOf(TimelineWindow.PageSize, tampered);

        var live = Start();

        await Until(() => live.State.Chain.IsBroken);
        Assert.Equal(tampered, live.State.Chain.BrokenAtSeq);
        Assert.Equal("the copy shown differs from the one verified", live.State.Chain.Reason);
    }

    [Fact]
    public async Task NewEventsAtTheTipAreVerifiedWithoutReadingTheChainAgain()
    {
        var live = Start();
        await Until(() => live.State.Chain.VerifiedCount == TenPages);
        var reads = _api.Queries.Count;

        _api.Add("onboarding.first_telemetry", """{"agent_id":"a"}""");
        live.RefreshNow();

        await Until(() => live.State.Chain.VerifiedCount == TenPages + 1);
        Assert.Equal(TenPages + 1, live.State.Events[^1].Seq);
        // Only what is new was read: the live loop's reads from the tip on, and no page of the chain again.
        Assert.All(_api.Queries.Skip(reads), q => Assert.Matches($"^after=({TenPages}|{TenPages + 1})&", q));
    }

    [Fact]
    public async Task ScrollingBackKeepsTheWindowBoundedAndLetsTheTipGo()
    {
        var live = Start();
        await Until(() => live.State.Session is not null);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(await live.LoadOlderAsync());
        }

        var window = live.State.Window;
        Assert.Equal(TimelineWindow.MaxEvents, window.Events.Length);
        Assert.False(window.AtTip);
        Assert.Equal(TenPages - 6 * TimelineWindow.PageSize + 1, window.FirstSeq);
        Assert.Equal(window.Events.Select(e => e.Seq), Enumerable.Range((int)window.FirstSeq, TimelineWindow.MaxEvents).Select(n => (long)n));
        Assert.Equal(TenPages - window.LastSeq, live.State.NewerWaiting);
    }

    [Fact]
    public async Task AnAppendWhileReadingTheStartWaitsBelowAndTheLatestIsOneJumpAway()
    {
        var live = Start();
        await Until(() => live.State.Session is not null);
        Assert.True(await live.JumpToStartAsync());
        Assert.Equal(1, live.State.Window.FirstSeq);

        _api.Add("onboarding.first_telemetry", """{"agent_id":"a"}""");
        live.RefreshNow();

        await Until(() => live.State.Session!.LastSeq == TenPages + 1);
        Assert.Equal(1, live.State.Window.FirstSeq);
        Assert.Equal(TenPages + 1 - TimelineWindow.PageSize, live.State.NewerWaiting);
        Assert.True(await live.JumpToLatestAsync());
        Assert.True(live.State.Window.AtTip);
        Assert.Equal(TenPages + 1, live.State.Events[^1].Seq);
    }

    public async ValueTask DisposeAsync()
    {
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
    }

    private LiveSession Start()
    {
        _live = new LiveSession(new OnboardingApiClient(_api.Client(), NullLogger<OnboardingApiClient>.Instance), new NoUpdates(), TimeProvider.System,
            NullLogger<LiveSession>.Instance, Chains.SessionId, _api.LastIssuedToken, () => Task.CompletedTask);
        _live.Start();
        return _live;
    }

    private static async Task Until(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.True(waited < 20_000, $"Still not true after 20 s: {what}");
            await Task.Delay(10, Xunit.TestContext.Current.CancellationToken);
        }
    }

    /// <summary>No Redis: the viewer polls (here, the tests wake it themselves).</summary>
    private sealed class NoUpdates : ISessionUpdates
    {
        public bool IsConnected => false;

        public Task<IAsyncDisposable?> SubscribeAsync(string sessionId, Action<long> onUpdate, CancellationToken cancellationToken = default) =>
            Task.FromResult<IAsyncDisposable?>(null);
    }
}
