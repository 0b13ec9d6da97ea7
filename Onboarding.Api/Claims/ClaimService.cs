using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Sessions;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using Onboarding.Data.Security;

namespace Onboarding.Api.Claims;

/// <summary>
/// Turns a session into an org (docs/api/sessions.md): lookup, the claim request that mails a magic link, the
/// preview that never changes anything, and the confirmation that creates the org and its first API key
/// in one transaction. Writers lock the session row first and the claim row second, so a new request
/// and a confirmation of the same session cannot deadlock.
/// </summary>
public sealed class ClaimService(
    OnboardingDbContext db,
    SessionService sessions,
    SessionNotifier notifier,
    ClaimDelivery delivery,
    LinkSealer sealer,
    TimeProvider time,
    IOptions<ClaimOptions> claimOptions,
    IOptions<AgentSessionOptions> sessionOptions)
{
    private const string ClaimTokenPrefix = "ct_";
    private readonly ClaimOptions _options = claimOptions.Value;

    public async Task<LookupResponse> LookupAsync(string domain, CancellationToken cancellationToken)
    {
        var claimed = !ClaimRules.SharedEmailDomains.Contains(domain)
            && await db.OrgDomains.AnyAsync(d => d.Domain == domain, cancellationToken);
        return new LookupResponse(claimed, claimed ? _options.ClaimHint : null);
    }

    /// <summary>Records a claim and mails its link; <c>email</c> and <c>slug</c> were validated by the caller.</summary>
    public async Task<Outcome<ClaimRequestResponse>> RequestAsync(
        string sessionId, string? writeToken, string email, string slug, CancellationToken cancellationToken)
    {
        email = email.ToLowerInvariant();
        var domain = ClaimRules.EmailDomain(email);
        if (domain is null)
        {
            return Errors.InvalidRequest("email's domain is not a valid domain name.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (session, error) = await sessions.LockForWriteAsync(sessionId, writeToken, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (await ConflictAsync(session!, email, domain, slug, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        // Only the newest link of a session works.
        var now = time.GetUtcNow();
        await db.Claims
            .Where(c => c.SessionId == sessionId && c.ConfirmedAt == null && c.SupersededAt == null)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.SupersededAt, now), cancellationToken);

        var token = Secrets.NewToken(ClaimTokenPrefix);
        var claim = new Claim
        {
            Id = Ids.NewClaimId(),
            SessionId = sessionId,
            Email = email,
            OrgSlug = slug,
            TokenHash = Secrets.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + _options.LinkLifetime,
        };
        db.Claims.Add(claim);
        var link = $"{sessionOptions.Value.PublicWebUrl.TrimEnd('/')}/onboarding/claim/{claim.Id}?t={token}";
        OutboxEmail? message = null;
        if (delivery.IsConfigured)
        {
            message = new OutboxEmail
            {
                ClaimId = claim.Id,
                To = email,
                IdempotencyKey = "claim/" + claim.Id,
                SealedLink = sealer.Seal(link, claim.Id),
                CreatedAt = now,
                NextAttemptAt = now,
            };
            db.OutboxEmails.Add(message);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (message is not null)
        {
            // Delivered to the Worker's LISTEN when the transaction commits.
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify('onboarding_outbox', {message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)})", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Activity.Current?.SetTag("onboarding.session_id", sessionId).SetTag("onboarding.claim_id", claim.Id);

        if (message is null)
        {
            return new ClaimRequestResponse(claim.Id, email, "fallback", "not_configured", link);
        }

        return await delivery.WaitForOutcomeAsync(message.Id, cancellationToken) == DeliveryOutcome.Refused
            ? new ClaimRequestResponse(claim.Id, email, "fallback", "send_failed", link)
            : new ClaimRequestResponse(claim.Id, email, "email");
    }

    public async Task<Outcome<ClaimPreview>> PreviewAsync(string claimId, string? token, CancellationToken cancellationToken)
    {
        var claim = await db.Claims.AsNoTracking().SingleOrDefaultAsync(c => c.Id == claimId, cancellationToken);
        if (claim is null || claim.SupersededAt is not null || !Secrets.Matches(token, claim.TokenHash))
        {
            return Errors.TokenInvalid();
        }

        var session = await db.AgentSessions.AsNoTracking().SingleAsync(s => s.Id == claim.SessionId, cancellationToken);
        var now = time.GetUtcNow();
        if (claim.ConfirmedAt is null && SessionService.IsExpired(session, now))
        {
            return Errors.SessionExpired();
        }

        return new ClaimPreview(claim.Id, claim.SessionId, claim.Email, claim.OrgSlug, claim.ExpiresAt.ToUnixTimeMilliseconds(),
            Expired: claim.ConfirmedAt is null && now >= claim.ExpiresAt, Confirmed: claim.ConfirmedAt is not null);
    }

    public async Task<Outcome<ClaimConfirmation>> ConfirmAsync(string claimId, string? token, CancellationToken cancellationToken)
    {
        var sessionId = await db.Claims.Where(c => c.Id == claimId).Select(c => c.SessionId).SingleOrDefaultAsync(cancellationToken);
        if (sessionId is null)
        {
            return Errors.TokenInvalid();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await sessions.LockAsync(sessionId, cancellationToken);
        var claim = (await db.Claims.FromSql($"SELECT * FROM claims WHERE id = {claimId} FOR UPDATE").ToListAsync(cancellationToken)).Single();
        var now = time.GetUtcNow();
        if (claim.SupersededAt is not null || !Secrets.Matches(token, claim.TokenHash))
        {
            return Errors.TokenInvalid();
        }

        // Concurrent clicks queue on the locks above; the first one confirms, the rest land here.
        if (claim.ConfirmedAt is not null)
        {
            return Errors.AlreadyConfirmed();
        }

        if (now >= claim.ExpiresAt)
        {
            return Errors.TokenInvalid();
        }

        if (SessionService.IsExpired(session!, now))
        {
            return Errors.SessionExpired();
        }

        var domain = ClaimRules.EmailDomain(claim.Email)!;
        if (await ConflictAsync(session!, claim.Email, domain, claim.OrgSlug, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        var org = new Org { Id = Ids.NewOrgId(), Slug = claim.OrgSlug, CreatedAt = now, CreatedFromSessionId = sessionId };
        var user = new OrgUser { Id = Ids.NewUserId(), OrgId = org.Id, Email = claim.Email, CreatedAt = now };
        var issued = ApiKeys.Issue();
        var key = new ApiKey { Id = Ids.NewApiKeyId(), OrgId = org.Id, UserId = user.Id, Prefix = issued.Prefix, Hash = issued.Hash, CreatedAt = now };
        db.Orgs.Add(org);
        db.Users.Add(user);
        db.ApiKeys.Add(key);
        if (!ClaimRules.SharedEmailDomains.Contains(domain))
        {
            db.OrgDomains.Add(new OrgDomain { Domain = domain, OrgId = org.Id, CreatedAt = now });
        }

        claim.ConfirmedAt = now;
        claim.OrgId = org.Id;
        session!.ClaimedAt = now;
        session.ClaimedByOrg = org.Slug;
        var payload = JsonSerializer.Serialize(new { org = org.Slug, org_id = org.Id });
        sessions.Append(session, [new ValidatedEvent(EventValidator.Claimed, now.ToUnixTimeMilliseconds(), payload)], now);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            // Another session's claim took the slug, domain or email between our check and our insert.
            return unique.ConstraintName switch
            {
                "ix_orgs_slug" => Errors.OrgSlugTaken(claim.OrgSlug),
                "ix_users_email" => Errors.EmailAlreadyRegistered(),
                _ => Errors.DomainAlreadyClaimed(_options.ClaimHint),
            };
        }

        Activity.Current?.SetTag("onboarding.session_id", sessionId).SetTag("onboarding.claim_id", claimId).SetTag("onboarding.org_id", org.Id);
        await notifier.PublishAsync(sessionId, session.LastSeq);
        return new ClaimConfirmation(true, org.Slug, sessionId, issued.Key, key.Id, key.Prefix);
    }

    /// <summary>Why this session, email, domain or slug cannot become a new org, if it cannot.</summary>
    private async Task<JsonHttpResult<ApiError>?> ConflictAsync(
        AgentSession session, string email, string domain, string slug, CancellationToken cancellationToken)
    {
        if (session.ClaimedAt is not null)
        {
            return Errors.SessionAlreadyClaimed();
        }

        if (!ClaimRules.SharedEmailDomains.Contains(domain) && await db.OrgDomains.AnyAsync(d => d.Domain == domain, cancellationToken))
        {
            return Errors.DomainAlreadyClaimed(_options.ClaimHint);
        }

        if (await db.Orgs.AnyAsync(o => o.Slug == slug, cancellationToken))
        {
            return Errors.OrgSlugTaken(slug);
        }

        return await db.Users.AnyAsync(u => u.Email == email, cancellationToken) ? Errors.EmailAlreadyRegistered() : null;
    }
}
