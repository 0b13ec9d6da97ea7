using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Onboarding.Api.Authentication;
using Onboarding.Api.Claims;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Infrastructure.OpenApi;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;

namespace Onboarding.Api.Apis;

/// <summary>Who an API key acts for, and rotating it.</summary>
public static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Account").RequireAuthorization().RateLimitedPerKey();

        api.MapGet("/me", Me)
            .WithName("Me")
            .WithSummary("The org and user this API key acts for")
            .Produces<MeResponse>()
            .ProducesError(StatusCodes.Status401Unauthorized);

        api.MapPost("/keys/rotate", RotateKey)
            .WithName("RotateKey")
            .WithSummary("Revoke this API key and issue a new one")
            .WithDescription("The new key is shown once, in this response; the key used for the call stops working at once.")
            .Produces<RotatedKeyResponse>()
            .ProducesError(StatusCodes.Status401Unauthorized);

        return app;
    }

    public static MeResponse Me(ClaimsPrincipal user) => new(
        new MeOrg(user.Get(ApiKeyClaims.OrgId), user.Get(ApiKeyClaims.OrgSlug)),
        new MeUser(user.Get(ApiKeyClaims.UserId), user.Get(ApiKeyClaims.Email)),
        user.Get(ApiKeyClaims.KeyId));

    public static async Task<Results<Ok<RotatedKeyResponse>, JsonHttpResult<ApiError>>> RotateKey(
        ClaimsPrincipal user, OnboardingDbContext db, ApiKeyCache keys, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var keyId = user.Get(ApiKeyClaims.KeyId);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Two rotations with one key: the first revokes it, the second finds nothing left to revoke.
        var revoked = await db.ApiKeys
            .Where(k => k.Id == keyId && k.RevokedAt == null)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.RevokedAt, now), cancellationToken);
        if (revoked == 0)
        {
            return Errors.Unauthorized();
        }

        var issued = ApiKeys.Issue();
        var key = new ApiKey
        {
            Id = Ids.NewApiKeyId(),
            OrgId = user.Get(ApiKeyClaims.OrgId),
            UserId = user.Get(ApiKeyClaims.UserId),
            Prefix = issued.Prefix,
            Hash = issued.Hash,
            CreatedAt = now,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await keys.RevokedAsync(keyId);
        return TypedResults.Ok(new RotatedKeyResponse(issued.Key, key.Id, key.Prefix));
    }
}

public sealed record MeOrg(string Id, string Slug);

public sealed record MeUser(string Id, string Email);

/// <summary>The caller of an authenticated request (camelCase, like the rest of <c>/api</c>).</summary>
public sealed record MeResponse(MeOrg Org, MeUser User, string ApiKeyId);

public sealed record RotatedKeyResponse(string ApiKey, string ApiKeyId, string ApiKeyPrefix);
