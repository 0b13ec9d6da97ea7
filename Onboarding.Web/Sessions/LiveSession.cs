using Onboarding.Web.Services;

namespace Onboarding.Web.Sessions;

/// <summary>
/// One viewer's live copy of a session. It reads the session, then keeps reading what is new
/// (<c>after</c> = the last seq it has) whenever Redis says the session changed, and polls as well:
/// every second while the tab is visible and Redis is away, every 30 s when the tab is hidden or as a
/// safety net behind Redis, whose messages may be lost. Every read rotates the view token; the next read
/// uses the new one. Reads run one at a time on a background loop; <see cref="State"/> is replaced whole.
/// </summary>
public sealed class LiveSession : IAsyncDisposable
{
    public static readonly TimeSpan VisiblePoll = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan HiddenPoll = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(30);

    private readonly OnboardingApiClient _api;
    private readonly ISessionUpdates _updates;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _sessionId;
    private readonly Func<Task> _changed;
    private readonly ChainVerifier _chain;
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _wake = NewSignal();
    private IAsyncDisposable? _subscription;
    private Task? _loop;
    private volatile bool _visible = true;
    private string? _token;
    private long _lastSeq;

    public LiveSession(
        OnboardingApiClient api, ISessionUpdates updates, TimeProvider time, ILogger<LiveSession> logger,
        string sessionId, string? token, Func<Task> changed)
    {
        _api = api;
        _updates = updates;
        _time = time;
        _logger = logger;
        _sessionId = sessionId;
        _token = token;
        _changed = changed;
        _chain = new ChainVerifier(sessionId);
        State = ViewerState.Loading(token);
    }

    public string SessionId => _sessionId;

    public ViewerState State { get; private set; }

    /// <summary>Starts reading; safe to call more than once.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

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

    /// <summary>Reads now instead of at the next tick (the retry button).</summary>
    public void RefreshNow() => Wake();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await DropSubscriptionAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(_token))
            {
                await PublishAsync(State with { Failure = SessionReadFailure.TokenInvalid });
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
                    await PublishAsync(State with { Mode = mode });
                }

                await WaitAsync(mode.PollEvery, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The circuit ended.
        }
        finally
        {
            await DropSubscriptionAsync();
        }
    }

    /// <summary>Reads until nothing more is waiting; true when the link or session is gone for good.</summary>
    private async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            SessionRead read;
            try
            {
                read = await _api.ReadSessionAsync(_sessionId, _token!, _lastSeq, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Reading session {SessionId} failed unexpectedly", _sessionId);
                read = SessionRead.Failed(SessionReadFailure.ApiUnavailable, e.Message);
            }

            if (read.View is not { } view)
            {
                var failure = read.Failure ?? SessionReadFailure.ApiUnavailable;
                await PublishAsync(State with { Failure = failure });
                return State.IsFinal;
            }

            _token = view.ViewToken;
            var chain = _chain.Append(view.Events);
            if (view.Events.Count > 0)
            {
                _lastSeq = Math.Max(_lastSeq, view.Events.Max(e => e.Seq));
            }

            await PublishAsync(State with
            {
                Session = SessionSummary.From(view),
                Events = State.Events.AddRange(view.Events),
                Chain = chain,
                Failure = null,
                Token = view.ViewToken,
            });

            // An empty page that claims more would loop forever; the next tick asks again.
            if (!view.HasMore || view.Events.Count == 0)
            {
                return false;
            }
        }
    }

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

    private async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var signal = _wake;
        if (!signal.Task.IsCompleted)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var tick = Task.Delay(interval, _time, timer.Token);
            await Task.WhenAny(signal.Task, tick);
            await timer.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        // The read that follows covers anything this signal announced, so a new one can be armed now.
        Interlocked.CompareExchange(ref _wake, NewSignal(), signal);
    }

    private void Wake() => _wake.TrySetResult();

    private async Task PublishAsync(ViewerState state)
    {
        State = state;
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
