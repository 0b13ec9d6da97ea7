using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Onboarding.Api.Authentication;

/// <summary>Whose an API key is: what a request's principal is built from.</summary>
public sealed record ApiKeyOwner(string KeyId, string OrgId, string OrgSlug, string UserId, string Email);

/// <summary>
/// Remembers whose each API key is for a short while, so an authenticated request costs no query. Revoking a key
/// evicts it here and, over Redis, on every other Api instance. An instance that could miss an eviction remembers
/// nothing: until its subscription is up, and after each lost connection it starts empty. A lookup that overlapped an
/// eviction is not remembered, and every entry expires after <see cref="Lifetime"/>, which bounds what is left (an
/// eviction that could not be sent).
/// </summary>
public sealed class ApiKeyCache(IConnectionMultiplexer redis, TimeProvider time, ILogger<ApiKeyCache> logger) : IHostedService
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);


    // Owners are small; past this many the cache starts over rather than track which keys went quiet.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKeyOwner Owner, DateTimeOffset Expires)> _owners = new(StringComparer.Ordinal);

    // Moves on every eviction and connection change: a lookup that saw it move keeps its answer to itself.
    private long _generation;
    private volatile bool _subscribed;

    private readonly ISubscriber _subscriber = redis.GetSubscriber();

    // Trusted only while evictions can arrive.
    private bool Listening => _subscribed && _subscriber.IsConnected(RedisChannels.ApiKeyRevocations);

    /// <summary>The owner of the key with this hash, remembered or looked up.</summary>
    public async Task<ApiKeyOwner?> GetAsync(byte[] hash, Func<Task<ApiKeyOwner?>> lookup)
    {
        var key = Convert.ToBase64String(hash);
        if (Listening && _owners.TryGetValue(key, out var known) && known.Expires > time.GetUtcNow())
        {
            return known.Owner;
        }

        var generation = Interlocked.Read(ref _generation);
        var owner = await lookup();
        if (owner is not null && Listening && Interlocked.Read(ref _generation) == generation)
        {
            if (_owners.Count >= MaxEntries)
            {
                _owners.Clear();
            }

            _owners[key] = (owner, time.GetUtcNow() + Lifetime);
        }

        return owner;
    }

    /// <summary>Forgets the key here and tells the other instances to; call after the revocation is committed.</summary>
    public async Task RevokedAsync(string keyId)
    {
        Evict(keyId);
        try
        {
            await _subscriber.PublishAsync(RedisChannels.ApiKeyRevocations, keyId);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Could not tell the other Api instances that API key {KeyId} was revoked; they may accept it for up to {Lifetime}", keyId, Lifetime);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
        return SubscribeAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= OnConnectionChanged;
        redis.ConnectionRestored -= OnConnectionChanged;
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync()
    {
        if (_subscribed)
        {
            return;
        }

        try
        {
            // Once subscribed, the client re-establishes the subscription by itself after a lost connection.
            await _subscriber.SubscribeAsync(RedisChannels.ApiKeyRevocations, (_, keyId) => Evict(keyId.ToString()));
            _subscribed = true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Could not subscribe to API key revocations; keys are looked up on every request until Redis answers");
        }
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e)
    {
        // Evictions sent while a connection was down are lost: start over, and subscribe if that never succeeded.
        Forget();
        _ = SubscribeAsync();
    }

    private void Evict(string keyId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, entry) in _owners)
        {
            if (entry.Owner.KeyId == keyId)
            {
                _owners.TryRemove(hash, out _);
            }
        }
    }

    private void Forget()
    {
        Interlocked.Increment(ref _generation);
        _owners.Clear();
    }
}
