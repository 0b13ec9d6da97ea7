using StackExchange.Redis;

namespace Onboarding.Web.Dashboard;

/// <summary>
/// What wakes a live dashboard page's reader: a message on a Redis channel it follows, the page itself after a change
/// of its own, Redis's connection going or coming back (losing it switches the page to polling at once; getting it
/// back reads what the outage hid), or, while Redis is away, the poll's tick. A message only wakes: the reader reads
/// what changed from the Api, because pub/sub may drop messages.
/// </summary>
public sealed class Wakeup : IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<RedisValue>? _onMessage;
    private readonly Action? _onConnectionChanged;
    private TaskCompletionSource _signal = NewSignal();
    private RedisChannel? _channel;

    // onMessage is called on Redis's thread for each message of the followed channel, and onConnectionChanged when
    // the connection fails or is restored, each before the wake-up.
    public Wakeup(IConnectionMultiplexer redis, TimeProvider time, ILogger logger, Action<RedisValue>? onMessage = null, Action? onConnectionChanged = null)
    {
        _redis = redis;
        _time = time;
        _logger = logger;
        _onMessage = onMessage;
        _onConnectionChanged = onConnectionChanged;
        _redis.ConnectionRestored += OnConnectionChanged;
        _redis.ConnectionFailed += OnConnectionChanged;
    }

    /// <summary>Whether changes arrive by push now: the channel is followed and Redis is connected.</summary>
    public bool Pushing => _channel is not null && _redis.IsConnected;

    /// <summary>Wakes the reader now.</summary>
    public void Wake() => _signal.TrySetResult();

    /// <summary>
    /// Follows <paramref name="channel"/> once; true when this call subscribed (whatever was committed before it sent
    /// no message to us, so the caller reads once more). Without Redis it does nothing, and the reader polls.
    /// </summary>
    public async Task<bool> FollowAsync(RedisChannel channel)
    {
        if (_channel is not null || !_redis.IsConnected)
        {
            return false;
        }

        try
        {
            await _redis.GetSubscriber().SubscribeAsync(channel, OnMessage);
            _channel = channel;
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning(e, "Could not follow {Channel} through Redis; its page polls", channel.ToString());
            return false;
        }
    }

    /// <summary>Waits for a wake-up (true) or, when <paramref name="interval"/> is given, its tick (false).</summary>
    public async Task<bool> WaitAsync(TimeSpan? interval, CancellationToken cancellationToken)
    {
        var signal = _signal;
        var woken = true;
        if (!signal.Task.IsCompleted)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var tick = interval is { } every ? Task.Delay(every, _time, timer.Token) : Task.Delay(Timeout.Infinite, timer.Token);
            woken = await Task.WhenAny(signal.Task, tick) == signal.Task;
            await timer.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        // The read that follows covers anything this signal announced, so a new one can be armed now.
        Interlocked.CompareExchange(ref _signal, NewSignal(), signal);
        return woken;
    }

    public async ValueTask DisposeAsync()
    {
        _redis.ConnectionRestored -= OnConnectionChanged;
        _redis.ConnectionFailed -= OnConnectionChanged;
        if (_channel is { } channel)
        {
            _channel = null;
            try
            {
                await _redis.GetSubscriber().UnsubscribeAsync(channel, OnMessage);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // The server drops a dead connection's subscriptions itself.
                _logger.LogDebug(e, "Unsubscribing from {Channel} failed", channel.ToString());
            }
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        _onMessage?.Invoke(message);
        Wake();
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e)
    {
        _onConnectionChanged?.Invoke();
        Wake();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
