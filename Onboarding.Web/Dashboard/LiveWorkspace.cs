using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using StackExchange.Redis;

namespace Onboarding.Web.Dashboard;

/// <summary>
/// The home's live copy of the workspace's journey. It reads the journey whole, then the parts Redis says changed:
/// the org's workspace channel (runs, context, interview) and the agent session's channel. While
/// Redis is connected it reads nothing on a timer; a reconnection reads once, for what the outage hid. While Redis is
/// away it polls. Reads run one at a time on a background loop; <see cref="State"/> is replaced whole.
/// </summary>
public sealed class LiveWorkspace : IAsyncDisposable
{
    /// <summary>How often the home reads while Redis is away: each poll reads every part (five calls), which keeps a
    /// tab well inside the Api's 100 calls a minute per key.</summary>
    public static readonly TimeSpan FallbackPoll = TimeSpan.FromSeconds(5);


    private readonly WorkspaceApiClient _api;
    private readonly InterviewApiClient _interviews;
    private readonly ISessionUpdates _sessions;
    private readonly ILogger _logger;
    private readonly Func<Task> _changed;
    private readonly JourneyParts _follows;
    private readonly Wakeup _wakeup;
    private readonly CancellationTokenSource _stop = new();
    private int _pending = (int)JourneyParts.All;
    private string? _orgId;
    private (string SessionId, IAsyncDisposable Subscription)? _agentSubscription;
    private Task? _loop;

    public LiveWorkspace(
        WorkspaceApiClient api, InterviewApiClient interviews, IConnectionMultiplexer redis, ISessionUpdates sessions,
        TimeProvider time, ILogger<LiveWorkspace> logger, Func<Task> changed, JourneyParts follows = JourneyParts.All)
    {
        _follows = follows;
        _api = api;
        _interviews = interviews;
        _sessions = sessions;
        _logger = logger;
        _changed = changed;
        // The Worker names the run it moved; the Api, the path it wrote through. A change of connection may hide anything.
        _wakeup = new Wakeup(redis, time, logger, message => Pending(PartsChangedBy(message.ToString())), () => Pending(JourneyParts.All));
    }

    public JourneyState State { get; private set; } = JourneyState.Loading;

    /// <summary>Starts reading; safe to call more than once.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Reads these parts now (after this page changed something itself).</summary>
    public void RefreshNow(JourneyParts parts = JourneyParts.All)
    {
        Pending(parts);
        _wakeup.Wake();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await UnsubscribeAgentAsync();
        await _wakeup.DisposeAsync();
        _stop.Dispose();
    }

    private void Pending(JourneyParts parts) => Interlocked.Or(ref _pending, (int)parts);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // A page that shows only some parts reads only those; one that follows the context without the runs reads
                // the context on a run's progress, which may have written it.
                var pending = (JourneyParts)Interlocked.Exchange(ref _pending, 0);
                pending |= pending.HasFlag(JourneyParts.Scrape) && !_follows.HasFlag(JourneyParts.Scrape) ? JourneyParts.Context : JourneyParts.None;
                var parts = pending & _follows;
                if (parts != JourneyParts.None && !await ReadAsync(parts, cancellationToken))
                {
                    return;
                }

                await SubscribeAsync(cancellationToken);
                var mode = new UpdateMode(_wakeup.Pushing, FallbackPoll);
                if (mode != State.Mode)
                {
                    await PublishAsync(State with { Mode = mode });
                }

                if (!await _wakeup.WaitAsync(mode.Push ? null : FallbackPoll, cancellationToken))
                {
                    // A poll's tick: nothing says what changed, so everything is read.
                    Pending(JourneyParts.All);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page closed.
        }
    }

    /// <summary>Reads the parts that changed (all of them the first time); false when the sign-in is no longer valid.</summary>
    private async Task<bool> ReadAsync(JourneyParts parts, CancellationToken cancellationToken)
    {
        _logger.LogInformation("Reading the workspace home of org {OrgId} ({Parts})", _orgId ?? "(not yet known)", parts);
        if (_orgId is null)
        {
            var org = await _api.OrgIdAsync(cancellationToken);
            if (!org.Ok)
            {
                return await FailedAsync(org.Problem, org.Message);
            }

            _orgId = org.Value;
        }

        var journey = State.Journey;
        if (parts.HasFlag(JourneyParts.Scrape))
        {
            var status = _api.StatusAsync(cancellationToken: cancellationToken);
            var runs = _api.RunsAsync(cancellationToken);
            if ((Problem(await status) ?? Problem(await runs)) is { } problem)
            {
                return await FailedAsync(problem.Problem, problem.Message);
            }

            // A run that just finished may have written the context.
            var finished = runs.Result.Value!.Runs.Any(run => run.IsFinal && journey.Runs.Any(before => before.RunId == run.RunId && !before.IsFinal));
            parts |= finished ? JourneyParts.Context : JourneyParts.None;
            journey = journey with { Onboarding = status.Result.Value!.Session, Runs = runs.Result.Value.Runs };
        }

        if (parts.HasFlag(JourneyParts.Agent))
        {
            var agent = await _api.AgentSessionAsync(cancellationToken);
            if (Problem(agent) is { } problem)
            {
                return await FailedAsync(problem.Problem, problem.Message);
            }

            journey = journey with { Agent = agent.Value!.AgentSession };
        }

        if (parts.HasFlag(JourneyParts.Context))
        {
            var context = await _api.ContextAsync(cancellationToken);
            if (Problem(context) is { } problem)
            {
                return await FailedAsync(problem.Problem, problem.Message);
            }

            journey = journey with { Context = context.Value };
        }

        if (parts.HasFlag(JourneyParts.Interview))
        {
            var interview = await _interviews.LatestAsync(cancellationToken);
            journey = journey with { Interview = interview.Ok && interview.Value!.SessionId is not null ? interview.Value : null };
        }

        await PublishAsync(State with { Journey = journey, Loaded = true, Problem = null });
        return true;
    }

    private static (WorkspaceProblem? Problem, string? Message)? Problem<T>(WorkspaceResult<T> result) =>
        result.Ok ? null : (result.Problem, result.Message);

    private async Task<bool> FailedAsync(WorkspaceProblem? problem, string? message)
    {
        await PublishAsync(State with { Loaded = true, Problem = message, SignedOut = problem == WorkspaceProblem.Unauthorized });
        return problem != WorkspaceProblem.Unauthorized;
    }

    /// <summary>Listens to the workspace's channel and to the agent session the journey names, once each.</summary>
    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        if (_orgId is null)
        {
            return;
        }

        if (await _wakeup.FollowAsync(RedisChannels.Workspace(_orgId)))
        {
            // Whatever was committed between the read and the subscription sent no message to us.
            RefreshNow(JourneyParts.Scrape | JourneyParts.Context | JourneyParts.Interview);
        }

        try
        {
            if (State.Journey.Agent?.Id is { } sessionId && _agentSubscription?.SessionId != sessionId)
            {
                await UnsubscribeAgentAsync();
                if (await _sessions.SubscribeAsync(sessionId, _ => RefreshNow(JourneyParts.Agent), cancellationToken) is { } subscription)
                {
                    _agentSubscription = (sessionId, subscription);
                    RefreshNow(JourneyParts.Agent);
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning(e, "Could not follow the agent session of workspace {OrgId} through Redis; its home polls", _orgId);
        }
    }

    public static JourneyParts PartsChangedBy(string message) => message switch
    {
        _ when message.StartsWith("run_", StringComparison.Ordinal) => JourneyParts.Scrape,
        _ when message.StartsWith("/api/onboarding/", StringComparison.Ordinal) => JourneyParts.Scrape,
        _ when message.StartsWith("/api/context", StringComparison.Ordinal) => JourneyParts.Context | JourneyParts.Scrape,
        _ when message.StartsWith("/api/chat/", StringComparison.Ordinal) => JourneyParts.Interview,
        _ when message.StartsWith("/api/interview/", StringComparison.Ordinal) => JourneyParts.Interview | JourneyParts.Scrape,
        _ => JourneyParts.All,
    };

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

    private async Task UnsubscribeAgentAsync()
    {
        if (_agentSubscription is { } agent)
        {
            _agentSubscription = null;
            await agent.Subscription.DisposeAsync();
        }
    }
}
