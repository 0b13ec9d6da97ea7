using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;

namespace Onboarding.Api.Infrastructure;

/// <summary>A request's <c>Idempotency-Key</c>, the scope it is unique in, and a hash of its body.</summary>
public sealed record IdempotencyRequest(string Scope, string Key, byte[] RequestHash)
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>Reads the header: absent is fine (null), malformed is an error.</summary>
    public static (IdempotencyRequest? Request, JsonHttpResult<ApiError>? Error) From(HttpRequest request, string scope, byte[] body)
    {
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return (null, null);
        }

        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > 255 || key.Any(c => c is < '!' or > '~'))
        {
            return (null, Errors.InvalidRequest($"{HeaderName} must be 1 to 255 visible ASCII characters."));
        }

        return (new IdempotencyRequest(scope, key, SHA256.HashData(body)), null);
    }
}

/// <summary>
/// Stripe-style idempotency stored beside the effect: the key is claimed and its response recorded in the
/// caller's transaction, so a retry sees either nothing (and runs) or the committed response (and replays it).
/// A concurrent retry waits on the key's unique index until the first request commits or rolls back.
/// </summary>
public sealed class Idempotency(OnboardingDbContext db, TimeProvider time)
{
    /// <summary>
    /// Runs <paramref name="effect"/> once per key, inside the caller's open transaction. The first request with a key
    /// runs it and records its value (as <paramref name="recorded"/> shapes it) under <paramref name="statusCode"/>; a
    /// retry with the same body gets the recorded value back, marked replayed; one with another body gets
    /// <paramref name="keyReused"/>. Without a key the effect just runs. The caller commits only a success, so a
    /// refused effect leaves the key free for the next try.
    /// </summary>
    public async Task<Outcome<T>> OnceAsync<T>(
        IdempotencyRequest? request, int statusCode, Failure keyReused, Func<Task<Outcome<T>>> effect, CancellationToken cancellationToken,
        JsonSerializerOptions? json = null, Func<T, T>? recorded = null)
    {
        if (request is null)
        {
            return await effect();
        }

        if (await ClaimAsync(request, cancellationToken) is { } first)
        {
            return CryptographicOperations.FixedTimeEquals(first.RequestHash, request.RequestHash)
                ? new Outcome<T>(JsonSerializer.Deserialize<T>(first.ResponseBody, json), null, Replayed: true)
                : keyReused;
        }

        var outcome = await effect();
        if (outcome.Failure is null)
        {
            // Recorded before the effect's transaction commits, so the two land together.
            var body = JsonSerializer.Serialize(recorded is null ? outcome.Value! : recorded(outcome.Value!), json);
            await db.Database.ExecuteSqlAsync($"""
                UPDATE idempotency_keys SET status_code = {statusCode}, response_body = {body}::json
                WHERE scope = {request.Scope} AND key = {request.Key}
                """, cancellationToken);
        }

        return outcome;
    }

    /// <summary><see cref="OnceAsync"/> in a transaction of its own, committed when the effect succeeds.</summary>
    public async Task<Outcome<T>> CommitOnceAsync<T>(
        IdempotencyRequest? request, int statusCode, Failure keyReused, Func<Task<Outcome<T>>> effect, CancellationToken cancellationToken,
        JsonSerializerOptions? json = null, Func<T, T>? recorded = null)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var outcome = await OnceAsync(request, statusCode, keyReused, effect, cancellationToken, json, recorded);
        if (outcome.Failure is null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }

    /// <summary>Claims the key; returns null when this request now owns it, else the record of the first request.</summary>
    private async Task<IdempotencyRecord?> ClaimAsync(IdempotencyRequest request, CancellationToken cancellationToken)
    {
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_body, created_at)
            VALUES ({request.Scope}, {request.Key}, {request.RequestHash}, 0, 'null', {time.GetUtcNow()})
            ON CONFLICT (scope, key) DO NOTHING
            """, cancellationToken);
        if (inserted == 1)
        {
            return null;
        }

        return await db.IdempotencyRecords.AsNoTracking()
            .SingleAsync(r => r.Scope == request.Scope && r.Key == request.Key, cancellationToken);
    }
}
