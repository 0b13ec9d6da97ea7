using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Onboarding.Api.Claims;
using Onboarding.Api.Infrastructure;
using Onboarding.Data.Infrastructure;

namespace Onboarding.Api.Authentication;

/// <summary>The org, user and key an authenticated <c>/api</c> request acts for.</summary>
public static class ApiKeyClaims
{
    public const string Scheme = "ApiKey";
    public const string OrgId = "onboarding:org_id";
    public const string OrgSlug = "onboarding:org_slug";
    public const string UserId = "onboarding:user_id";
    public const string Email = "onboarding:email";
    public const string KeyId = "onboarding:key_id";

    public static string Get(this ClaimsPrincipal principal, string claim) => principal.FindFirstValue(claim)!;
}

/// <summary>
/// <c>Authorization: Bearer onb_…</c>: a key of the wrong shape or checksum is refused before any query;
/// a well-formed one is looked up by its SHA-256 and must not be revoked.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, OnboardingDbContext db, ApiKeyCache keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Every request passes through the default scheme. A bearer that is no API key at all (a session's write token on
        // the public surface) is nothing for this scheme to judge: failing it logged a line per append.
        if (Request.BearerToken() is not { } presented || !presented.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeys.IsWellFormed(presented))
        {
            return AuthenticateResult.Fail("The API key is malformed.");
        }

        var hash = ApiKeys.Hash(presented);
        var key = await keys.GetAsync(hash, () => (
            from k in db.ApiKeys
            join o in db.Orgs on k.OrgId equals o.Id
            join u in db.Users on k.UserId equals u.Id
            where k.Hash == hash && k.RevokedAt == null
            select new ApiKeyOwner(k.Id, o.Id, o.Slug, u.Id, u.Email)).SingleOrDefaultAsync(Context.RequestAborted));
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ApiKeyClaims.OrgId, key.OrgId),
                new Claim(ApiKeyClaims.OrgSlug, key.OrgSlug),
                new Claim(ApiKeyClaims.UserId, key.UserId),
                new Claim(ApiKeyClaims.Email, key.Email),
                new Claim(ApiKeyClaims.KeyId, key.KeyId),
            ],
            Scheme.Name);
        System.Diagnostics.Activity.Current?.SetTag("onboarding.org_id", key.OrgId);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    /// <summary>401 in the same envelope as every other error, with the scheme a client should use.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Errors.Unauthorized().ForSurface(Context).ExecuteAsync(Context);
    }
}
