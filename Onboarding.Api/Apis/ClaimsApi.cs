using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Onboarding.Api.Claims;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Infrastructure.OpenApi;
using Onboarding.Data.Model;

namespace Onboarding.Api.Apis;

/// <summary>The session contract's way from a session to an org: domain lookup, claim request, link preview and confirmation.</summary>
public static class ClaimsApi
{
    private const int MaxClaimRequestBytes = 4 * 1024;

    public static IEndpointRouteBuilder MapClaimsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/onboarding").WithTags("Claims");

        api.MapGet("/lookup", Lookup)
            .WithName("LookupDomain")
            .WithSummary("Does an organisation already use this email domain?")
            .WithDescription("Answers 200 {claimed, claim_hint} for every well-formed domain (case, trailing dot and internationalised names are normalised) and 400 for a malformed one; never 404. Webmail domains such as gmail.com are never claimed. Strictly rate-limited per client address.")
            .Produces<LookupResponse>()
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable)
            .RateLimitedPerIp("lookup", o => o.LookupPerIp, WhenRedisIsDown.FailClosed);

        api.MapPost("/sessions/{sessionId}/claim", RequestClaim)
            .WithName("RequestClaim")
            .WithSummary("Ask for a magic link that turns the session into an organisation")
            .WithDescription("Emails a one-time link to confirm the claim (Resend or SMTP, when configured). Without a mailer, or when the provider refuses the message, the answer is delivery: fallback with the link in magic_link_preview. Only the newest link of a session works, for 30 minutes. Requires Authorization: Bearer <write_token>. Limited per client address and per email.")
            .Accepts<ClaimRequest>("application/json")
            .Produces<ClaimRequestResponse>(StatusCodes.Status202Accepted)
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status410Gone, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable)
            .RequiresWriteToken()
            .RateLimitedPerIp("claim", o => o.ClaimPerIp, WhenRedisIsDown.FailClosed);

        api.MapMethods("/claim/{claimId}", [HttpMethods.Get, HttpMethods.Head], PreviewClaim)
            .WithName("PreviewClaim")
            .WithSummary("What confirming this link would claim")
            .WithDescription("Never changes anything, so mail scanners that prefetch the link cannot use it up. Answers expired or confirmed links with flags rather than errors; a wrong or superseded token is 401 token_invalid.")
            .Produces<ClaimPreview>()
            .ProducesError(StatusCodes.Status401Unauthorized, StatusCodes.Status410Gone, StatusCodes.Status503ServiceUnavailable)
            .RequiresClaimLink()
            .RateLimitedPerIp("claim-link", o => o.ClaimLinkPerIp, WhenRedisIsDown.FailClosed);

        api.MapPost("/claim/{claimId}", ConfirmClaim)
            .WithName("ConfirmClaim")
            .WithSummary("Confirm the claim: create the organisation and reveal its API key once")
            .WithDescription("In one transaction: creates the org, binds the email's domain, issues an API key (only its SHA-256 is kept), marks the session claimed and appends onboarding.claimed. Concurrent confirmations of one link: exactly one succeeds, the others get 409 already_confirmed.")
            .Produces<ClaimConfirmation>()
            .ProducesError(StatusCodes.Status401Unauthorized, StatusCodes.Status409Conflict, StatusCodes.Status410Gone, StatusCodes.Status503ServiceUnavailable)
            .RequiresClaimLink()
            .RateLimitedPerIp("claim-link", o => o.ClaimLinkPerIp, WhenRedisIsDown.FailClosed);

        return app;
    }

    public static async Task<Results<Ok<LookupResponse>, JsonHttpResult<ApiError>>> Lookup(
        [FromQuery] string? domain, ClaimService claims, CancellationToken cancellationToken) =>
        ClaimRules.NormalizeDomain(domain) is { } normalized
            ? TypedResults.Ok(await claims.LookupAsync(normalized, cancellationToken))
            : Errors.InvalidRequest("domain must be a domain name such as acme.com.");

    public static async Task<Results<Accepted<ClaimRequestResponse>, JsonHttpResult<ApiError>>> RequestClaim(
        string sessionId, HttpRequest request, ClaimService claims, RateLimiter limiter, IOptions<RateLimitOptions> limits,
        CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(sessionId, Ids.SessionPrefix))
        {
            return Errors.SessionNotFound();
        }

        var (body, _, error) = await JsonBody.ReadAsync<ClaimRequest>(request, MaxClaimRequestBytes, allowEmpty: false, options: null, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!ClaimRules.IsValidEmail(body?.Email))
        {
            return Errors.InvalidRequest("email must be a valid email address, such as leonard@acme.com.");
        }

        if (!ClaimRules.IsValidSlug(body!.OrgSlug))
        {
            return Errors.InvalidRequest("org_slug must be 3 to 40 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        if (ClaimRules.IsReservedSlug(body.OrgSlug!))
        {
            return Errors.InvalidRequest($"org_slug '{body.OrgSlug}' is reserved. Choose another.");
        }

        var perEmail = await limiter.CheckAsync("claim-email", limits.Value.ClaimPerEmail, body.Email!.ToLowerInvariant(), WhenRedisIsDown.FailClosed);
        if (!perEmail.Allowed)
        {
            return perEmail.Refusal(request.HttpContext.Response);
        }

        var outcome = await claims.RequestAsync(sessionId, request.BearerToken(), body.Email!, body.OrgSlug!, cancellationToken);
        return Respond<ApiError>.With(outcome, request.HttpContext.Response, value => TypedResults.Accepted((string?)null, value));
    }

    public static async Task<Results<Ok<ClaimPreview>, JsonHttpResult<ApiError>>> PreviewClaim(
        string claimId, [FromQuery(Name = "t")] string? token, HttpResponse response, ClaimService claims, CancellationToken cancellationToken)
    {
        response.KeepOutOfCachesAndReferrers();
        if (!Ids.IsWellFormed(claimId, Ids.ClaimPrefix))
        {
            return Errors.TokenInvalid();
        }

        return Respond<ApiError>.With(await claims.PreviewAsync(claimId, token, cancellationToken), response, TypedResults.Ok);
    }

    public static async Task<Results<Ok<ClaimConfirmation>, JsonHttpResult<ApiError>>> ConfirmClaim(
        string claimId, [FromQuery(Name = "t")] string? token, HttpResponse response, ClaimService claims, CancellationToken cancellationToken)
    {
        response.KeepOutOfCachesAndReferrers();
        if (!Ids.IsWellFormed(claimId, Ids.ClaimPrefix))
        {
            return Errors.TokenInvalid();
        }

        return Respond<ApiError>.With(await claims.ConfirmAsync(claimId, token, cancellationToken), response, TypedResults.Ok);
    }
}
