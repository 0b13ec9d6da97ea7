using System.Security.Cryptography;
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
    /// <summary>Claims the key; returns null when this request now owns it, else the record of the first request.</summary>
    public async Task<IdempotencyRecord?> ClaimAsync(IdempotencyRequest request, CancellationToken cancellationToken)
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

    /// <summary>Records the response to replay; call before committing the effect's transaction.</summary>
    public Task CompleteAsync(IdempotencyRequest request, int statusCode, string responseBody, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE idempotency_keys SET status_code = {statusCode}, response_body = {responseBody}::json
            WHERE scope = {request.Scope} AND key = {request.Key}
            """, cancellationToken);

    public static bool SameRequest(IdempotencyRecord record, IdempotencyRequest request) =>
        CryptographicOperations.FixedTimeEquals(record.RequestHash, request.RequestHash);
}
