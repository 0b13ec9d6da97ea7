using System.Collections.Immutable;
using StackExchange.Redis;

namespace Onboarding.Web.Sessions;

/// <summary>Notifications that a session has new events, shared by all the viewers of this instance.</summary>
public interface ISessionUpdates
{
    /// <summary>Whether notifications can arrive now; when not, viewers poll.</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Calls <paramref name="onUpdate"/> with the newest seq whenever the session changes, until the result is
    /// disposed. Returns null when notifications are unavailable, so the caller polls instead.
    /// </summary>
    Task<IAsyncDisposable?> SubscribeAsync(string sessionId, Action<long> onUpdate, CancellationToken cancellationToken = default);
}

/// <summary>
/// Owns this instance's Redis subscriptions to <c>onboarding:sessions:{id}</c>: one per session however many
/// circuits watch it, taken with the first viewer and dropped with the last. The message is the newest seq;
/// listeners only use it as a wake-up and read what is new from the Api, because pub/sub may drop messages.
/// </summary>
public sealed class SessionUpdates : ISessionUpdates, IDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<SessionUpdates> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Changed only under _gate; read without it by the connection events.
    private ImmutableDictionary<string, Topic> _topics = ImmutableDictionary.Create<string, Topic>(StringComparer.Ordinal);

    public SessionUpdates(IConnectionMultiplexer redis, ILogger<SessionUpdates> logger)
    {
        _redis = redis;
        _logger = logger;
        // Losing Redis switches viewers to polling at once, and getting it back makes them catch up on
        // what they missed; the client re-establishes the subscriptions by itself.
        _redis.ConnectionFailed += OnConnectionChanged;
        _redis.ConnectionRestored += OnConnectionChanged;
    }

    public bool IsConnected => _redis.IsConnected;

    /// <summary>How many sessions this instance is subscribed to.</summary>
    public int SubscribedSessions => _topics.Count;

    public async Task<IAsyncDisposable?> SubscribeAsync(string sessionId, Action<long> onUpdate, CancellationToken cancellationToken = default)
    {
        if (!_redis.IsConnected)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_topics.TryGetValue(sessionId, out var topic))
            {
                topic = new Topic(sessionId, _logger);
                try
                {
                    await _redis.GetSubscriber().SubscribeAsync(RedisChannels.Session(sessionId), topic.Handler);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    _logger.LogWarning(e, "Could not subscribe to updates of session {SessionId}; its viewers poll", sessionId);
                    await UnsubscribeQuietlyAsync(sessionId, topic);
                    return null;
                }

                _topics = _topics.Add(sessionId, topic);
            }

            var listener = new Listener(onUpdate);
            topic.Add(listener);
            return new Subscription(this, sessionId, listener);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _redis.ConnectionFailed -= OnConnectionChanged;
        _redis.ConnectionRestored -= OnConnectionChanged;
        _gate.Dispose();
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e)
    {
        // The client reports each of its connections; a spare wake-up costs a viewer one read.
        foreach (var topic in _topics.Values)
        {
            topic.Notify(0);
        }
    }

    private async Task LeaveAsync(string sessionId, Listener listener)
    {
        await _gate.WaitAsync();
        try
        {
            if (_topics.TryGetValue(sessionId, out var topic) && topic.Remove(listener) == 0)
            {
                _topics = _topics.Remove(sessionId);
                await UnsubscribeQuietlyAsync(sessionId, topic);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task UnsubscribeQuietlyAsync(string sessionId, Topic topic)
    {
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(RedisChannels.Session(sessionId), topic.Handler);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The server drops a dead connection's subscriptions itself; this only tidies the local registration.
            _logger.LogDebug(e, "Unsubscribing from session {SessionId} failed", sessionId);
        }
    }

    /// <summary>One session's listeners; copy-on-write because Redis calls the handler on its own threads.</summary>
    private sealed class Topic(string sessionId, ILogger logger)
    {
        private ImmutableArray<Listener> _listeners = [];
        private Action<RedisChannel, RedisValue>? _handler;

        /// <summary>One delegate instance, so unsubscribing removes exactly this registration.</summary>
        public Action<RedisChannel, RedisValue> Handler => _handler ??= OnMessage;

        public void Add(Listener listener) => ImmutableInterlocked.Update(ref _listeners, list => list.Add(listener));

        /// <summary>Removes the listener and returns how many remain.</summary>
        public int Remove(Listener listener)
        {
            ImmutableInterlocked.Update(ref _listeners, list => list.Remove(listener));
            return _listeners.Length;
        }

        private void OnMessage(RedisChannel channel, RedisValue value) =>
            Notify(value.TryParse(out long seq) ? seq : 0);

        public void Notify(long seq)
        {
            foreach (var listener in _listeners)
            {
                try
                {
                    listener.OnUpdate(seq);
                }
                catch (Exception e)
                {
                    // One circuit's failure must not keep the notification from the others.
                    logger.LogWarning(e, "A viewer of session {SessionId} failed to take a notification", sessionId);
                }
            }
        }
    }

    /// <summary>A reference identity per subscriber, so the same callback may subscribe twice.</summary>
    private sealed class Listener(Action<long> onUpdate)
    {
        public Action<long> OnUpdate { get; } = onUpdate;
    }

    private sealed class Subscription(SessionUpdates owner, string sessionId, Listener listener) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                try
                {
                    await owner.LeaveAsync(sessionId, listener);
                }
                catch (ObjectDisposedException)
                {
                    // The instance is shutting down; its Redis subscriptions end with the connection.
                }
            }
        }
    }
}
