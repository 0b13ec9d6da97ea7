using Onboarding.Web.Services;
using Onboarding.Web.Sessions;

namespace Onboarding.Web.Dashboard;

/// <summary>What a run's page shows: the run with its steps, its scrape's status, how it is kept fresh (null while connecting), and the last problem.</summary>
public sealed record RunState(RunDetailsView? Details, ScrapeSessionView? Session, UpdateMode? Mode, string? Problem, bool SignedOut)
{
    public static readonly RunState Loading = new(null, null, null, null, false);
}

/// <summary>
/// A run's page's live copy of the run, as the home keeps the journey: it reads when the run's Redis channel says the
/// Worker moved it (or wrote its last steps), never on a timer while Redis is connected; while Redis is away it polls
/// until the run is final. Each read fetches the run and its scrape's status before <see cref="State"/> is replaced
/// whole, so no render shows one without the other.
/// </summary>
public sealed class LiveRun : IAsyncDisposable
{
    private readonly WorkspaceApiClient _api;
    private readonly string _runId;
    private readonly ILogger _logger;
    private readonly Func<Task> _changed;
    private readonly Wakeup _wakeup;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public LiveRun(WorkspaceApiClient api, StackExchange.Redis.IConnectionMultiplexer redis, TimeProvider time, ILogger<LiveRun> logger, string runId, Func<Task> changed)
    {
        _api = api;
        _runId = runId;
        _logger = logger;
        _changed = changed;
        _wakeup = new Wakeup(redis, time, logger);
    }

    public RunState State { get; private set; } = RunState.Loading;

    /// <summary>Starts reading; safe to call more than once.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await _wakeup.DisposeAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Followed before the first read, so nothing the Worker writes in between goes unannounced.
            await _wakeup.FollowAsync(RedisChannels.Run(_runId));
            var why = "first read";
            while (await ReadAsync(why, cancellationToken))
            {
                if (await _wakeup.FollowAsync(RedisChannels.Run(_runId)))
                {
                    // Redis came back: what it announced while away is read now.
                    why = "followed again";
                    continue;
                }

                // A final run changes no more but for its last steps, which a push announces; polling stops there.
                var poll = State.Mode is { Push: false } && State.Details?.Run.IsFinal != true;
                why = await _wakeup.WaitAsync(poll ? LiveWorkspace.FallbackPoll : null, cancellationToken) ? "woken" : "poll";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page closed.
        }
    }

    /// <summary>Reads the run and its scrape; false when the sign-in is no longer valid.</summary>
    private async Task<bool> ReadAsync(string why, CancellationToken cancellationToken)
    {
        // Why is logged so the timer's reads can be told from the wake-ups' (a message, the page, Redis's connection).
        _logger.LogInformation("Reading run {RunId} for its page ({Why})", _runId, why);
        var details = await _api.RunAsync(_runId, cancellationToken);
        var session = State.Session;
        if (details.Value?.Run.SessionId is { } sessionId)
        {
            var status = await _api.StatusAsync(sessionId, cancellationToken);
            session = status.Value?.Session ?? session;
        }

        var mode = new UpdateMode(_wakeup.Pushing, LiveWorkspace.FallbackPoll);
        var signedOut = details.Problem == WorkspaceProblem.Unauthorized;
        var problem = details.Ok ? null : details.Message ?? "This run was not found.";
        State = new RunState(details.Value ?? State.Details, session, mode, problem, signedOut);
        try
        {
            await _changed();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The page went away while this read was in flight.
            _logger.LogDebug(e, "The page of run {RunId} is gone", _runId);
        }

        return !signedOut;
    }
}
