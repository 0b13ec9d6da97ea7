using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Onboarding.Api.Infrastructure.OpenApi;
using StackExchange.Redis;

using Onboarding.Api.Interviews;

namespace Onboarding.Api.Infrastructure;

/// <summary>At most <see cref="Limit"/> requests per <see cref="Window"/>.</summary>
public sealed record RateLimit(int Limit, TimeSpan Window);

/// <summary>What a limit does when Redis cannot be asked.</summary>
public enum WhenRedisIsDown
{
    /// <summary>Refuse (claim, lookup): an unlimited path to these endpoints is worse than a short outage.</summary>
    FailClosed,

    /// <summary>Count in this process instead (event append): agents keep working, each instance limits alone.</summary>
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

    /// <summary>The authenticated <c>/api</c> surface, per API key (DESIGN §3.2).</summary>
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
/// Fixed-window limits shared by every Api instance: one atomic Lua script per check (INCR, set the window's
/// expiry on the first hit, return count and time left). Keys are hashed, so Redis holds no email or address.
/// </summary>
public sealed class RateLimiter : IDisposable
{
    private const string Script = """
        local n = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {n, ttl}
        """;

    // A Redis that is connected but does not answer (paused, overloaded) is treated as down after this long, rather
    // than holding every request for the client's 5 s timeout.
    private static readonly TimeSpan AnswerBudget = TimeSpan.FromMilliseconds(500);

    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<RateLimiter> _logger;
    private readonly Counter<long> _degraded;
    private readonly Counter<long> _rejected;
    private readonly PartitionedRateLimiter<(string Policy, string Key, RateLimit Limit)> _local;

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

    public async Task<RateDecision> CheckAsync(string policy, RateLimit limit, string key, WhenRedisIsDown whenDown)
    {
        var decision = await CheckRedisAsync(policy, limit, key) ?? Degraded(policy, limit, key, whenDown);
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
            var window = (long)limit.Window.TotalMilliseconds;
            var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(
                Script, [new RedisKey($"onboarding:rl:{policy}:{Digest(key)}")], [window]).WaitAsync(AnswerBudget))!;
            var count = (long)result[0];
            var left = TimeSpan.FromMilliseconds((long)result[1]);
            return count <= limit.Limit ? RateDecision.Allow : new RateDecision(false, left);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning(e, "Rate limit {Policy} could not reach Redis", policy);
            return null;
        }
    }

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
    /// this surface answers 429, never 503 (DESIGN §3.2).
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
