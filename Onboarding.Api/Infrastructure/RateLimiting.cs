using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Onboarding.Api.Infrastructure.OpenApi;
using StackExchange.Redis;


namespace Onboarding.Api.Infrastructure;

/// <summary>At most <see cref="Limit"/> requests per <see cref="Window"/>.</summary>
public sealed record RateLimit(int Limit, TimeSpan Window);

/// <summary>What a limit does when Redis cannot be asked.</summary>
public enum WhenRedisIsDown
{
    /// <summary>Refuse (claim, lookup): an unlimited path to these endpoints is worse than a short outage.</summary>
    FailClosed,

    /// <summary>
    /// Count in this process instead (event append, the API key surface): agents keep working, each instance limits
    /// alone. These hot paths also never wait for Redis while it is up: see <see cref="RateLimiter"/>.
    /// </summary>
    LocalLimit,
}

/// <summary>The limits, bound from the <c>RateLimits</c> section.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    public RateLimit LookupPerIp { get; set; } = new(30, TimeSpan.FromMinutes(1));

    public RateLimit ClaimPerIp { get; set; } = new(10, TimeSpan.FromMinutes(10));

    public RateLimit ClaimPerEmail { get; set; } = new(5, TimeSpan.FromHours(1));

    /// <summary>Previews and confirmations of claim links.</summary>
    public RateLimit ClaimLinkPerIp { get; set; } = new(60, TimeSpan.FromMinutes(1));

    public RateLimit AppendPerIp { get; set; } = new(1200, TimeSpan.FromMinutes(1));

    /// <summary>The authenticated <c>/api</c> surface, per API key.</summary>
    public RateLimit ApiPerKey { get; set; } = new(100, TimeSpan.FromMinutes(1));

    /// <summary>Runs that crawl a website (start-scraping, regenerate), per user: each makes outbound requests for us.</summary>
    public RateLimit ScrapePerUser { get; set; } = new(10, TimeSpan.FromHours(1));
}

/// <summary>A limiter's answer; <see cref="Unavailable"/> when it failed closed.</summary>
public readonly record struct RateDecision(bool Allowed, TimeSpan RetryAfter, bool Unavailable = false)
{
    public static readonly RateDecision Allow = new(true, TimeSpan.Zero);
}

/// <summary>
/// Fixed-window limits shared by every Api instance: one atomic Lua script counts (INCRBY, set the window's expiry on
/// the first hit, return count and time left). Keys are hashed, so Redis holds no email or address.
/// <para>
/// Limits that fail closed wait for the script's answer to each request. Those that fall back to a local limit sit on
/// hot paths (every append, every authenticated call) and do not wait: a request is judged by the shared count as this
/// instance last heard it plus its own hits not yet counted, and the hits are counted in the background, at most one
/// script per key in flight (hits that arrive meanwhile go with the next). One instance alone is therefore exact;
/// across instances a request may be admitted on a count one round trip old.
/// </para>
/// </summary>
public sealed class RateLimiter : IDisposable
{
    private const string Script = """
        local n = redis.call('INCRBY', KEYS[1], ARGV[2])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {n, ttl}
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<RateLimiter> _logger;
    private readonly Counter<long> _degraded;
    private readonly Counter<long> _rejected;
    private readonly PartitionedRateLimiter<(string Policy, string Key, RateLimit Limit)> _local;
    private readonly ConcurrentDictionary<string, SharedCount> _counts = new(StringComparer.Ordinal);
    private long _nextSweep;

    public RateLimiter(IConnectionMultiplexer redis, IMeterFactory meters, ILogger<RateLimiter> logger)
    {
        _redis = redis;
        _logger = logger;
        var meter = meters.Create(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName);
        _degraded = meter.CreateCounter<long>("onboarding.rate_limit.degraded", description: "Checks made without Redis (failed closed or limited locally).");
        _rejected = meter.CreateCounter<long>("onboarding.rate_limit.rejected", description: "Requests refused by a rate limit.");
        _local = PartitionedRateLimiter.Create<(string Policy, string Key, RateLimit Limit), (string, string)>(request =>
            RateLimitPartition.GetFixedWindowLimiter((request.Policy, request.Key), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = request.Limit.Limit,
                Window = request.Limit.Window,
                QueueLimit = 0,
            }));
    }

    public async ValueTask<RateDecision> CheckAsync(string policy, RateLimit limit, string key, WhenRedisIsDown whenDown)
    {
        var decision = whenDown == WhenRedisIsDown.LocalLimit
            ? CheckWithoutWaiting(policy, limit, key)
            : await CheckRedisAsync(policy, limit, key) ?? Degraded(policy, limit, key, whenDown);
        if (!decision.Allowed)
        {
            _rejected.Add(1, new KeyValuePair<string, object?>("policy", policy));
        }

        return decision;
    }

    public void Dispose() => _local.Dispose();

    private async Task<RateDecision?> CheckRedisAsync(string policy, RateLimit limit, string key)
    {
        // A disconnected client would queue the command until its timeout; answer at once instead.
        if (!_redis.IsConnected)
        {
            return null;
        }

        try
        {
            // No timer of ours races the answer: Redis is unreachable when its client says so, the connection down or the
            // command unanswered by the client's own timeout, counted from when it was written. A timer here refused, in
            // a process short of CPU, requests whose answers had arrived and were waiting to be read.
            var (count, left) = Parse(await EvaluateAsync(RedisKeyFor(policy, key), limit, hits: 1));
            return count <= limit.Limit ? RateDecision.Allow : new RateDecision(false, left);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning(e, "Rate limit {Policy} could not reach Redis", policy);
            return null;
        }
    }

    /// <summary>Judges by the shared count as last heard plus this instance's uncounted hits; counts in the background.</summary>
    private RateDecision CheckWithoutWaiting(string policy, RateLimit limit, string key)
    {
        if (!_redis.IsConnected)
        {
            return Degraded(policy, limit, key, WhenRedisIsDown.LocalLimit);
        }

        var now = Environment.TickCount64;
        SweepEndedWindows(now);
        var redisKey = RedisKeyFor(policy, key);
        var shared = _counts.GetOrAdd(redisKey, _ => new SharedCount());
        long send;
        lock (shared)
        {
            if (now >= shared.WindowEnds)
            {
                shared.Known = 0;
            }

            if (shared.Known + shared.Unsent + shared.Sending >= limit.Limit)
            {
                return new RateDecision(false, now < shared.WindowEnds ? TimeSpan.FromMilliseconds(shared.WindowEnds - now) : limit.Window);
            }

            shared.Unsent++;
            send = shared.TakeUnsentUnlessSending();
        }

        if (send > 0)
        {
            _ = CountAsync(policy, limit, redisKey, shared, send);
        }

        return RateDecision.Allow;
    }

    /// <summary>Adds the hits to the shared count, then whatever hits arrived meanwhile, until none are left.</summary>
    private async Task CountAsync(string policy, RateLimit limit, string redisKey, SharedCount shared, long hits)
    {
        while (hits > 0)
        {
            try
            {
                var (count, left) = await IncrementAsync(redisKey, limit, hits);
                lock (shared)
                {
                    shared.Sending = 0;
                    shared.Known = count;
                    shared.WindowEnds = Environment.TickCount64 + (long)left.TotalMilliseconds;
                    hits = shared.TakeUnsentUnlessSending();
                }
            }
            // Nobody awaits this task: whatever went wrong is logged here, and the hits are let go uncounted.
            catch (Exception e)
            {
                lock (shared)
                {
                    shared.Sending = 0;
                    shared.Unsent = 0;
                }

                _logger.LogWarning(e, "Rate limit {Policy} could not reach Redis", policy);
                return;
            }
        }
    }

    /// <summary>Forgets keys whose window ended, once a minute, so the map holds only recent clients.</summary>
    private void SweepEndedWindows(long now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + 60_000, due) != due)
        {
            return;
        }

        foreach (var (redisKey, shared) in _counts)
        {
            lock (shared)
            {
                if (now >= shared.WindowEnds && shared.Unsent == 0 && shared.Sending == 0)
                {
                    _counts.TryRemove(redisKey, out _);
                }
            }
        }
    }

    /// <summary>Runs the script: the key's count in this window, this hit included, and the time the window has left.</summary>
    private async Task<(long Count, TimeSpan Left)> IncrementAsync(string redisKey, RateLimit limit, long hits) =>
        Parse(await EvaluateAsync(redisKey, limit, hits));

    private Task<RedisResult> EvaluateAsync(string redisKey, RateLimit limit, long hits) =>
        _redis.GetDatabase().ScriptEvaluateAsync(Script, [new RedisKey(redisKey)], [(long)limit.Window.TotalMilliseconds, hits]);

    private static (long Count, TimeSpan Left) Parse(RedisResult answer)
    {
        var result = (RedisResult[])answer!;
        return ((long)result[0], TimeSpan.FromMilliseconds((long)result[1]));
    }

    private static string RedisKeyFor(string policy, string key) => $"onboarding:rl:{policy}:{Digest(key)}";

    private RateDecision Degraded(string policy, RateLimit limit, string key, WhenRedisIsDown whenDown)
    {
        _degraded.Add(1, new KeyValuePair<string, object?>("policy", policy), new KeyValuePair<string, object?>("mode", whenDown.ToString()));
        if (whenDown == WhenRedisIsDown.FailClosed)
        {
            _logger.LogWarning("Rate limit {Policy} is unavailable without Redis; refusing the request", policy);
            return new RateDecision(false, TimeSpan.FromSeconds(5), Unavailable: true);
        }

        using var lease = _local.AttemptAcquire((policy, key, limit));
        return lease.IsAcquired ? RateDecision.Allow : new RateDecision(false, limit.Window);
    }

    /// <summary>A key's shared count as this instance knows it (guarded by its own lock).</summary>
    private sealed class SharedCount
    {
        /// <summary>The count Redis last answered with.</summary>
        public long Known;

        /// <summary>Hits admitted here and not sent to Redis yet.</summary>
        public long Unsent;

        /// <summary>Hits sent to Redis and not answered yet.</summary>
        public long Sending;

        /// <summary>When the window of <see cref="Known"/> ends (<see cref="Environment.TickCount64"/>).</summary>
        public long WindowEnds;

        /// <summary>The hits to send now: all unsent ones, unless a script is in flight (they go when it answers).</summary>
        public long TakeUnsentUnlessSending()
        {
            if (Sending > 0)
            {
                return 0;
            }

            (Sending, Unsent) = (Unsent, 0);
            return Sending;
        }
    }

    private static string Digest(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
}

public static class RateLimitingExtensions
{
    /// <summary>Limits an endpoint per client address; a refusal answers 429 (or 503 when failing closed) with Retry-After.</summary>
    public static RouteHandlerBuilder RateLimitedPerIp(
        this RouteHandlerBuilder endpoint, string policy, Func<RateLimitOptions, RateLimit> limit, WhenRedisIsDown whenDown) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var limiter = http.RequestServices.GetRequiredService<RateLimiter>();
            var options = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            var decision = await limiter.CheckAsync(policy, limit(options), ClientAddress(http), whenDown);
            return decision.Allowed ? await next(context) : decision.Refusal(http.Response);
        })
        .ProducesError(StatusCodes.Status429TooManyRequests);

    /// <summary>
    /// Limits every endpoint of an authenticated group per API key. Without Redis the limit is kept per instance:
    /// this surface answers 429, never 503.
    /// </summary>
    public static RouteGroupBuilder RateLimitedPerKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var key = http.User.FindFirst(Authentication.ApiKeyClaims.KeyId)?.Value;
            if (key is null)
            {
                return await next(context);
            }

            var limiter = http.RequestServices.GetRequiredService<RateLimiter>();
            var options = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            var decision = await limiter.CheckAsync("api-key", options.ApiPerKey, key, WhenRedisIsDown.LocalLimit);
            return decision.Allowed ? await next(context) : decision.Refusal(http.Response).ForSurface(http);
        });
        return group;
    }

    /// <summary>Limits an authenticated endpoint per user, on top of the per-key limit.</summary>
    public static RouteHandlerBuilder RateLimitedPerUser(
        this RouteHandlerBuilder endpoint, string policy, Func<RateLimitOptions, RateLimit> limit, WhenRedisIsDown whenDown) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var limiter = http.RequestServices.GetRequiredService<RateLimiter>();
            var options = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            var user = http.User.FindFirst(Authentication.ApiKeyClaims.UserId)?.Value ?? "anonymous";
            var decision = await limiter.CheckAsync(policy, limit(options), user, whenDown);
            return decision.Allowed ? await next(context) : decision.Refusal(http.Response);
        })
        .ProducesError(StatusCodes.Status429TooManyRequests);

    /// <summary>The error to answer a refused request with, and its Retry-After header.</summary>
    public static JsonHttpResult<ApiError> Refusal(this RateDecision decision, HttpResponse response)
    {
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return decision.Unavailable ? Errors.TemporarilyUnavailable() : Errors.RateLimited();
    }

    /// <summary>The peer's address. Behind a reverse proxy, configure forwarded headers so this is the client's.</summary>
    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
