using Onboarding.Web.Services;

namespace Onboarding.Web.Sessions;

/// <summary>
/// One viewer's live copy of a session: a <see cref="TimelineWindow"/> of its events, not the chain. It reads the tip,
/// then keeps reading what is new (<c>after</c> = the last seq it read) whenever Redis says the session changed, and
/// polls as well: every second while the tab is visible and Redis is away, every 30 s when the tab is hidden or as a
/// safety net behind Redis, whose messages may be lost. Beside that loop, <see cref="ChainCheck"/> verifies the whole
/// chain page by page. Every read rotates the view token (<see cref="TokenReader"/>). <see cref="State"/> is replaced
/// whole.
/// </summary>
public sealed class LiveSession : IAsyncDisposable
{
    public static readonly TimeSpan VisiblePoll = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan HiddenPoll = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan CheckRetry = TimeSpan.FromSeconds(2);

    private readonly TokenReader _reader;
    private readonly ISessionUpdates _updates;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _sessionId;
    private readonly Func<Task> _changed;
    private readonly ChainCheck _chain;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _stateGate = new();

    // Held by every read that changes the window, so the live loop and the reader's scrolling take turns.
    private readonly SemaphoreSlim _windowGate = new(1, 1);
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _checkWake = NewSignal();
    private IAsyncDisposable? _subscription;
    private Task? _loop;
    private Task? _checkLoop;
    private volatile bool _visible = true;
    private volatile bool _following = true;

    // The newest seq the live loop has read; under _windowGate.
    private long _readTo;

    public LiveSession(
        OnboardingApiClient api, ISessionUpdates updates, TimeProvider time, ILogger<LiveSession> logger,
        string sessionId, string? token, Func<Task> changed)
    {
        _updates = updates;
        _time = time;
        _logger = logger;
        _sessionId = sessionId;
        _changed = changed;
        _chain = new ChainCheck(sessionId);
        State = ViewerState.Loading(token);
        _reader = new TokenReader(api, logger, sessionId, token, ShowToken);
    }

    public string SessionId => _sessionId;

    public ViewerState State { get; private set; }

    /// <summary>Starts reading; safe to call more than once.</summary>
    public void Start()
    {
        _loop ??= Task.Run(() => RunAsync(_stop.Token));
        _checkLoop ??= Task.Run(() => CheckAsync(_stop.Token));
    }

    /// <summary>The tab became visible or hidden; a tab coming back reads at once.</summary>
    public void SetVisible(bool visible)
    {
        var wasVisible = _visible;
        _visible = visible;
        if (visible && !wasVisible)
        {
            Wake();
        }
    }

    /// <summary>Whether the reader is at the bottom of the page, following the tip; new events then push old ones out.</summary>
    public void SetFollowing(bool following) => _following = following;

    /// <summary>Reads now instead of at the next tick (the retry button).</summary>
    public void RefreshNow() => Wake();

    /// <summary>Puts the page before the window in front of it; true when the window changed.</summary>
    public Task<bool> LoadOlderAsync() => ChangeWindowAsync(
        w => w.HasOlder ? EventRange.Preceding(w.FirstSeq, TimelineWindow.PageSize) : null,
        (w, view, _) => w.WithOlder(view.Events));

    /// <summary>Puts the page after the window behind it; true when the window changed.</summary>
    public Task<bool> LoadNewerAsync() => ChangeWindowAsync(
        w => w.AtTip ? null : EventRange.Following(w.LastSeq, TimelineWindow.PageSize),
        (w, view, lastSeq) => w.WithNewer(view.Events, lastSeq));

    /// <summary>Moves the window to the session's first events.</summary>
    public Task<bool> JumpToStartAsync() => ChangeWindowAsync(
        w => w.FirstSeq == 1 ? null : EventRange.Following(0, TimelineWindow.PageSize),
        (_, view, lastSeq) => TimelineWindow.From(view.Events, lastSeq));

    /// <summary>Moves the window back to the tip.</summary>
    public Task<bool> JumpToLatestAsync() => ChangeWindowAsync(
        w => w.AtTip ? null : EventRange.Newest(TimelineWindow.PageSize),
        (_, view, _) => TimelineWindow.AtTheTip(view.Events));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        if (_checkLoop is not null)
        {
            await _checkLoop;
        }

        // _stop and _windowGate are not disposed: a scroll's read may still be finishing, and neither holds a handle.
        await DropSubscriptionAsync();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!_reader.HasToken)
            {
                await PublishAsync(s => s with { Failure = SessionReadFailure.TokenInvalid });
                return;
            }

            while (true)
            {
                if (await CatchUpAsync(cancellationToken))
                {
                    return;
                }

                if (State.Session is not null)
                {
                    await EnsureSubscribedAsync(cancellationToken);
                }

                var mode = CurrentMode();
                if (mode != State.Mode)
                {
                    await PublishAsync(s => s with { Mode = mode });
                }

                var signal = _wake;
                await WaitAsync(signal.Task, mode.PollEvery, cancellationToken);
                // The read that follows covers anything this signal announced, so a new one can be armed now.
                Interlocked.CompareExchange(ref _wake, NewSignal(), signal);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The circuit ended.
        }
        catch (Exception e)
        {
            // A fault of ours: the page stops updating, which the log must say, since no one awaits this loop until it closes.
            _logger.LogError(e, "Following session {SessionId} failed unexpectedly; this viewer no longer updates", _sessionId);
        }
        finally
        {
            await DropSubscriptionAsync();
        }
    }

    /// <summary>
    /// Reads what is new until nothing more is waiting; true when the link or session is gone for good. A window at the
    /// tip takes the new events; one elsewhere only learns how far the chain reaches, and the check reads the rest.
    /// </summary>
    private async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _windowGate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var opening = State.Session is null;
                var range = opening || !State.Window.AtTip ? EventRange.Newest(opening ? TimelineWindow.PageSize : 1)
                    : EventRange.Following(_readTo, ChainCheck.PageSize);
                var read = await _reader.ReadAsync(range, cancellationToken);
                if (read.View is not { } view)
                {
                    var failure = read.Failure ?? SessionReadFailure.ApiUnavailable;
                    await PublishAsync(s => s with { Failure = failure });
                    return State.IsFinal;
                }

                _readTo = Math.Max(_readTo, NewestSeq(view));
                var chain = _chain.Offer(view.Events);
                await PublishAsync(s => s with
                {
                    Session = Summary(view, s),
                    Window = opening ? TimelineWindow.AtTheTip(view.Events) : s.Window.WithNew(view.Events, _following),
                    Chain = chain,
                    Failure = null,
                });
                _checkWake.TrySetResult();

                // An empty page that claims more would loop forever; the next tick asks again.
                if (range.Before is not null || !view.HasMore || view.Events.Count == 0)
                {
                    return false;
                }
            }
        }
        finally
        {
            _windowGate.Release();
        }
    }

    /// <summary>
    /// Verifies the chain as far as it is known to reach, whenever the live loop learns it reaches further. A read that
    /// fails pauses it; it tries again after <see cref="CheckRetry"/> or at the live loop's next read, whichever is first.
    /// </summary>
    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var paused = false;
            while (true)
            {
                var signal = _checkWake;
                await WaitAsync(signal.Task, paused ? CheckRetry : null, cancellationToken);
                // Armed before State is read: a wake-up from here on is for what this round may not see.
                Interlocked.CompareExchange(ref _checkWake, NewSignal(), signal);
                paused = await VerifyOnAsync(cancellationToken) && !State.IsFinal;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The circuit ended.
        }
    }

    /// <summary>One round of verification; true when a failed read (or a fault of ours, logged) stopped it.</summary>
    private async Task<bool> VerifyOnAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stopped = await _chain.ReadOnAsync(_reader.ReadChainAsync, State.Session?.LastSeq ?? 0, status => PublishAsync(s => s with { Chain = status }), cancellationToken);
            if (stopped is not null)
            {
                // The read logged what the Api answered; the live loop reports it on the page.
                _logger.LogDebug("Verifying session {SessionId} paused: {Failure}", _sessionId, stopped.Failure);
            }

            return stopped is not null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(e, "Verifying session {SessionId} failed unexpectedly", _sessionId);
            return true;
        }
    }

    private async Task<bool> ChangeWindowAsync(Func<TimelineWindow, EventRange?> range, Func<TimelineWindow, SessionView, long, TimelineWindow> change)
    {
        try
        {
            await _windowGate.WaitAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The viewer is closing.
            return false;
        }

        try
        {
            if (range(State.Window) is not { } wanted)
            {
                return false;
            }

            var read = await _reader.ReadAsync(wanted, _stop.Token);
            if (read.View is not { } view)
            {
                await PublishAsync(s => s with { Failure = read.Failure ?? SessionReadFailure.ApiUnavailable });
                return false;
            }

            var chain = _chain.Offer(view.Events);
            var lastSeq = Math.Max(State.Session?.LastSeq ?? 0, NewestSeq(view));
            var window = change(State.Window, view, lastSeq);
            if (window.AtTip)
            {
                // The live loop carries on from the window's end.
                _readTo = window.LastSeq;
            }

            await PublishAsync(s => s with { Session = Summary(view, s), Window = window, Chain = chain, Failure = null });
            return true;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            _windowGate.Release();
        }
    }

    /// <summary>The address bar shows the newest token, so a reload or a copied address uses a live one.</summary>
    private void ShowToken(string token)
    {
        lock (_stateGate)
        {
            State = State with { Token = token };
        }
    }

    private static long NewestSeq(SessionView view) => view.Events.Count == 0 ? view.LastSeq : Math.Max(view.LastSeq, view.Events[^1].Seq);

    /// <summary>The read's metadata; the chain's reach never goes back, whichever read answered last.</summary>
    private static SessionSummary Summary(SessionView view, ViewerState state) =>
        SessionSummary.From(view) with { LastSeq = Math.Max(NewestSeq(view), state.Session?.LastSeq ?? 0) };

    private async Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null || !_updates.IsConnected)
        {
            return;
        }

        try
        {
            _subscription = await _updates.SubscribeAsync(_sessionId, _ => Wake(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Subscribing to session {SessionId} failed; polling instead", _sessionId);
        }

        if (_subscription is not null)
        {
            // Whatever was committed between the last read and the subscription sent no message to us.
            Wake();
        }
    }

    private UpdateMode CurrentMode()
    {
        var push = _subscription is not null && _updates.IsConnected;
        return new UpdateMode(push, push ? SafetyPoll : _visible ? VisiblePoll : HiddenPoll);
    }

    /// <summary>Waits for <paramref name="signal"/>, or at most <paramref name="interval"/> when one is given.</summary>
    private async Task WaitAsync(Task signal, TimeSpan? interval, CancellationToken cancellationToken)
    {
        if (!signal.IsCompleted)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var tick = interval is { } every ? Task.Delay(every, _time, timer.Token) : Task.Delay(Timeout.Infinite, timer.Token);
            await Task.WhenAny(signal, tick);
            await timer.CancelAsync();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Wake() => _wake.TrySetResult();

    private async Task PublishAsync(Func<ViewerState, ViewerState> change)
    {
        lock (_stateGate)
        {
            var next = change(State);
            State = next with { Chain = _chain.Confirm(next.Window.Events) };
        }

        try
        {
            await _changed();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The page went away while this read was in flight.
            _logger.LogDebug(e, "Viewer of session {SessionId} is gone", _sessionId);
        }
    }

    private async Task DropSubscriptionAsync()
    {
        if (Interlocked.Exchange(ref _subscription, null) is { } subscription)
        {
            await subscription.DisposeAsync();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
