using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using StackExchange.Redis;

namespace Onboarding.Web.Dashboard;

/// <summary>
/// The home's live copy of the workspace's journey. It reads the journey whole, then again each time Redis says
/// something changed: the org's workspace channel (runs, context, interview) and the agent session's channel. While
/// Redis is connected it reads nothing on a timer; a reconnection reads once, for what the outage hid. While Redis is
/// away it polls. Reads run one at a time on a background loop; <see cref="State"/> is replaced whole.
/// </summary>
public sealed class LiveWorkspace : IAsyncDisposable
{
    /// <summary>How often the home reads while Redis is away.</summary>
    public static readonly TimeSpan FallbackPoll = TimeSpan.FromSeconds(2);

    /// <summary>The channel the Api and the Worker announce a workspace's changes on.</summary>
    public static RedisChannel Channel(string orgId) => RedisChannel.Literal("onboarding:workspaces:" + orgId);

    private readonly WorkspaceApiClient _api;
    private readonly InterviewApiClient _interviews;
    private readonly IConnectionMultiplexer _redis;
    private readonly ISessionUpdates _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<Task> _changed;
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _wake = NewSignal();
    private string? _orgId;
    private RedisChannel? _workspaceChannel;
    private (string SessionId, IAsyncDisposable Subscription)? _agentSubscription;
    private Task? _loop;

    public LiveWorkspace(
        WorkspaceApiClient api, InterviewApiClient interviews, IConnectionMultiplexer redis, ISessionUpdates sessions,
        TimeProvider time, ILogger<LiveWorkspace> logger, Func<Task> changed)
    {
        _api = api;
        _interviews = interviews;
        _redis = redis;
        _sessions = sessions;
        _time = time;
        _logger = logger;
        _changed = changed;
        _redis.ConnectionRestored += OnConnectionChanged;
        _redis.ConnectionFailed += OnConnectionChanged;
    }

    public JourneyState State { get; private set; } = JourneyState.Loading;

    /// <summary>Starts reading; safe to call more than once.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Reads now (after this page changed something itself, or the retry button).</summary>
    public void RefreshNow() => _wake.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        _redis.ConnectionRestored -= OnConnectionChanged;
        _redis.ConnectionFailed -= OnConnectionChanged;
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await UnsubscribeAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (!await ReadAsync(cancellationToken))
                {
                    return;
                }

                await SubscribeAsync(cancellationToken);
                var channel = _workspaceChannel is not null && _redis.IsConnected ? UpdateChannel.Push : UpdateChannel.Polling;
                if (channel != State.Channel)
                {
                    await PublishAsync(State with { Channel = channel });
                }

                await WaitAsync(channel == UpdateChannel.Push ? null : FallbackPoll, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page closed.
        }
    }

    /// <summary>Reads the whole journey; false when the sign-in is no longer valid.</summary>
    private async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Reading the workspace home of org {OrgId}", _orgId ?? "(not yet known)");
        if (_orgId is null)
        {
            var me = await _api.CurrentUserAsync(cancellationToken);
            if (!me.Ok)
            {
                return await FailedAsync(me.Problem, me.Message);
            }

            _orgId = me.Value!.Org.Id;
        }

        var agent = _api.AgentSessionAsync(cancellationToken);
        var status = _api.StatusAsync(cancellationToken: cancellationToken);
        var runs = _api.RunsAsync(cancellationToken);
        var context = _api.ContextAsync(cancellationToken);
        var interview = _interviews.StatusAsync(null, cancellationToken);
        await Task.WhenAll(agent, status, runs, context, interview);
        foreach (var result in new[] { (agent.Result.Problem, agent.Result.Message), (status.Result.Problem, status.Result.Message), (runs.Result.Problem, runs.Result.Message), (context.Result.Problem, context.Result.Message) })
        {
            if (result.Problem is not null)
            {
                return await FailedAsync(result.Problem, result.Message);
            }
        }

        var journey = new WorkspaceJourney(
            agent.Result.Value!.AgentSession,
            status.Result.Value!.Session,
            runs.Result.Value!.Runs,
            context.Result.Value,
            interview.Result.Ok && interview.Result.Value!.SessionId is not null ? interview.Result.Value : null);
        await PublishAsync(State with { Journey = journey, Loaded = true, Problem = null });
        return true;
    }

    private async Task<bool> FailedAsync(WorkspaceProblem? problem, string? message)
    {
        await PublishAsync(State with { Loaded = true, Problem = message, SignedOut = problem == WorkspaceProblem.Unauthorized });
        return problem != WorkspaceProblem.Unauthorized;
    }

    /// <summary>Listens to the workspace's channel and to the agent session the journey names, once each.</summary>
    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected || _orgId is null)
        {
            return;
        }

        try
        {
            if (_workspaceChannel is null)
            {
                var channel = Channel(_orgId);
                await _redis.GetSubscriber().SubscribeAsync(channel, OnWorkspaceMessage);
                _workspaceChannel = channel;
                // Whatever was committed between the read and the subscription sent no message to us.
                RefreshNow();
            }

            if (State.Journey.Agent?.Id is { } sessionId && _agentSubscription?.SessionId != sessionId)
            {
                await UnsubscribeAgentAsync();
                if (await _sessions.SubscribeAsync(sessionId, _ => RefreshNow(), cancellationToken) is { } subscription)
                {
                    _agentSubscription = (sessionId, subscription);
                    RefreshNow();
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning(e, "Could not follow workspace {OrgId} through Redis; its home polls", _orgId);
        }
    }

    private void OnWorkspaceMessage(RedisChannel channel, RedisValue message) => RefreshNow();

    // Losing Redis switches the home to polling at once; getting it back reads what the outage hid.
    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e) => RefreshNow();

    private async Task WaitAsync(TimeSpan? interval, CancellationToken cancellationToken)
    {
        var signal = _wake;
        if (!signal.Task.IsCompleted)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var tick = interval is { } every ? Task.Delay(every, _time, timer.Token) : Task.Delay(Timeout.Infinite, timer.Token);
            await Task.WhenAny(signal.Task, tick);
            await timer.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        // The read that follows covers anything this signal announced, so a new one can be armed now.
        Interlocked.CompareExchange(ref _wake, NewSignal(), signal);
    }

    private async Task PublishAsync(JourneyState state)
    {
        State = state;
        try
        {
            await _changed();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The page went away while this read was in flight.
            _logger.LogDebug(e, "The home of workspace {OrgId} is gone", _orgId);
        }
    }

    private async Task UnsubscribeAsync()
    {
        await UnsubscribeAgentAsync();
        if (_workspaceChannel is { } channel)
        {
            _workspaceChannel = null;
            try
            {
                await _redis.GetSubscriber().UnsubscribeAsync(channel, OnWorkspaceMessage);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // The server drops a dead connection's subscriptions itself.
                _logger.LogDebug(e, "Unsubscribing from workspace {OrgId} failed", _orgId);
            }
        }
    }

    private async Task UnsubscribeAgentAsync()
    {
        if (_agentSubscription is { } agent)
        {
            _agentSubscription = null;
            await agent.Subscription.DisposeAsync();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
