using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Onboarding.Web.Tests.Support;

namespace Onboarding.Web.Tests.Sessions;

/// <summary>
/// How a viewer keeps up: a wake-up per notification when Redis is there, and polling every second
/// (visible) or every 30 s (hidden) when it is not. The Api is a fake that serves a growing chain and
/// rotates the token on every read, as the real one does.
/// </summary>
public sealed class LiveSessionTests : IAsyncDisposable
{
    private readonly CountingTime _time = new();
    private readonly FakeSessionApi _api = new();
    private readonly FakeUpdates _updates = new();
    private LiveSession? _live;

    [Fact]
    public async Task WithoutRedisAVisibleViewerReadsEverySecond()
    {
        var live = await StartAsync();
        Assert.Equal(new UpdateMode(false, LiveSession.VisiblePoll), live.State.Mode);

        _api.Add("onboarding.first_telemetry", """{"agent_id":"a"}""");
        await AdvanceAsync(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, _api.Reads);

        await AdvanceAsync(TimeSpan.FromMilliseconds(1));
        await Until(() => live.State.Events.Length == 2);
        Assert.Equal(2, _api.Reads);
        Assert.Equal(2, live.State.Chain.VerifiedCount);
    }

    [Fact]
    public async Task AHiddenViewerReadsEveryThirtySecondsAndAtOnceWhenShownAgain()
    {
        var live = await StartAsync();
        // Hidden once the viewer waits on its 1 s tick, so the tick below is the one that reads.
        await Until(() => _time.Waiting);
        live.SetVisible(false);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await Until(() => live.State.Mode.PollEvery == LiveSession.HiddenPoll);
        var reads = _api.Reads;

        await AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Equal(reads, _api.Reads);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await Until(() => _api.Reads == reads + 1);

        _api.Add("onboarding.first_telemetry", """{"agent_id":"a"}""");
        live.SetVisible(true);
        await Until(() => live.State.Events.Length == 2);
    }

    [Fact]
    public async Task WithRedisANotificationReadsAtOnceAndPollingIsOnlyASafetyNet()
    {
        _updates.Connected = true;
        var live = await StartAsync();
        await Until(() => live.State.Mode.Push);
        Assert.Equal(LiveSession.SafetyPoll, live.State.Mode.PollEvery);

        _api.Add("onboarding.jurisdiction_selected", """{"jurisdiction":"EU"}""");
        _updates.Publish(2);

        await Until(() => live.State.Events.Length == 2);
        Assert.Equal(_api.LastIssuedToken, live.State.Token);
    }

    [Fact]
    public async Task EveryReadUsesTheTokenTheLastReadHandedOut()
    {
        var live = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            _api.Add("onboarding.first_telemetry", $$"""{"agent_id":"a{{i}}"}""");
            await AdvanceAsync(LiveSession.VisiblePoll);
            await Until(() => live.State.Events.Length == i + 2);
        }

        Assert.Equal(0, _api.StaleTokenReads);
        Assert.Equal(_api.LastIssuedToken, live.State.Token);
    }

    [Fact]
    public async Task AnOutageKeepsWhatWasReadAndRecovers()
    {
        var live = await StartAsync();
        _api.Down = true;
        await AdvanceAsync(LiveSession.VisiblePoll);
        await Until(() => live.State.Failure == SessionReadFailure.ApiUnavailable);
        Assert.Single(live.State.Events);
        Assert.False(live.State.IsFinal);

        _api.Down = false;
        _api.Add("onboarding.first_telemetry", """{"agent_id":"a"}""");
        live.RefreshNow();
        await Until(() => live.State is { Failure: null, Events.Length: 2 });
    }

    [Fact]
    public async Task AVerificationReadThatFailsIsTriedAgainSoonWithoutWaitingForTheNextPoll()
    {
        // Longer than the first page, so the check must read the start itself; hidden, so the live loop waits 30 s.
        for (var i = 1; i < 2 * TimelineWindow.PageSize; i++)
        {
            _api.Add("onboarding.tick", $$"""{"n":{{i}}}""");
        }

        var firstPage = $"after=0&limit={ChainCheck.PageSize}";
        _api.FailReadsOf(firstPage, times: 1);
        var live = await StartAsync(visible: false);
        // The check's retry and the live loop's poll both wait on the clock.
        await Until(() => _api.Queries.Count(q => q == firstPage) == 1 && _time.Pending == 2);
        Assert.Equal(0, live.State.Chain.VerifiedCount);

        _time.Advance(LiveSession.CheckRetry - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50, Xunit.TestContext.Current.CancellationToken);
        Assert.Single(_api.Queries, q => q == firstPage);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await Until(() => live.State.Chain.VerifiedCount == 2 * TimelineWindow.PageSize);
        Assert.Equal(2, _api.Queries.Count(q => q == firstPage));
    }

    [Fact]
    public async Task ARevokedLinkStopsReading()
    {
        _api.Revoked = true;
        var live = await StartAsync(waitForSession: false);
        await Until(() => live.State.Failure == SessionReadFailure.TokenInvalid);
        Assert.True(live.State.IsFinal);

        // The loop has ended: no timer is pending, and time passing reads nothing.
        await Until(() => !_time.Waiting);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(50, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(1, _api.Reads);
    }

    public async ValueTask DisposeAsync()
    {
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
    }

    private async Task<LiveSession> StartAsync(bool waitForSession = true, bool visible = true)
    {
        _live = new LiveSession(new OnboardingApiClient(_api.Client(), NullLogger<OnboardingApiClient>.Instance), _updates, _time,
            NullLogger<LiveSession>.Instance, Chains.SessionId, _api.LastIssuedToken, () => Task.CompletedTask);
        _live.SetVisible(visible);
        _live.Start();
        if (waitForSession)
        {
            await Until(() => _live.State.Session is not null);
        }

        return _live;
    }

    /// <summary>Moves the clock once the viewer is waiting on it, so no tick lands before its timer exists.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        await Until(() => _time.Waiting);
        _time.Advance(by);
        // Let whatever the tick started run before the test looks.
        await Task.Delay(50, Xunit.TestContext.Current.CancellationToken);
    }

    private static async Task Until(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.True(waited < 10_000, $"Still not true after 10 s: {what}");
            await Task.Delay(10, Xunit.TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A fake clock that knows whether a timer is pending.</summary>
    private sealed class CountingTime : FakeTimeProvider
    {
        private int _created;
        private int _fired;

        public CountingTime() : base(new DateTimeOffset(2025, 5, 6, 12, 0, 0, TimeSpan.Zero))
        {
        }

        /// <summary>True while a timer created by the viewer has neither fired nor been cancelled.</summary>
        public bool Waiting => Pending > 0;

        /// <summary>How many timers created by the viewer have neither fired nor been cancelled.</summary>
        public int Pending => Volatile.Read(ref _created) - Volatile.Read(ref _fired);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var done = 0;
            void Finish()
            {
                if (Interlocked.Exchange(ref done, 1) == 0)
                {
                    Interlocked.Increment(ref _fired);
                }
            }

            var timer = base.CreateTimer(s => { Finish(); callback(s); }, state, dueTime, period);
            // Counted only once the clock knows it, so an Advance after Waiting turns true always reaches it.
            Interlocked.Increment(ref _created);
            return new TrackedTimer(timer, Finish);
        }

        private sealed class TrackedTimer(ITimer inner, Action finish) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                finish();
                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                finish();
                return inner.DisposeAsync();
            }
        }
    }

    /// <summary>Redis notifications as a switch: connected or not, and a way to publish.</summary>
    private sealed class FakeUpdates : ISessionUpdates
    {
        private readonly List<Action<long>> _listeners = [];

        public bool Connected { get; set; }

        public bool IsConnected => Connected;

        public Task<IAsyncDisposable?> SubscribeAsync(string sessionId, Action<long> onUpdate, CancellationToken cancellationToken = default)
        {
            if (!Connected)
            {
                return Task.FromResult<IAsyncDisposable?>(null);
            }

            lock (_listeners)
            {
                _listeners.Add(onUpdate);
            }

            return Task.FromResult<IAsyncDisposable?>(new Unsubscribe(() =>
            {
                lock (_listeners)
                {
                    _listeners.Remove(onUpdate);
                }
            }));
        }

        public void Publish(long seq)
        {
            lock (_listeners)
            {
                _listeners.ForEach(listener => listener(seq));
            }
        }

        private sealed class Unsubscribe(Action action) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                action();
                return ValueTask.CompletedTask;
            }
        }
    }
}
