using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Onboarding.Api.Infrastructure;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Workspaces;

/// <summary>The workspace's context: reading it, editing it, and regenerating it at most once per 24 h (docs/api/workspace.md).</summary>
public sealed class ContextService(OnboardingDbContext db, TimeProvider time)
{
    /// <summary>The workspace contract: one regeneration per 24 hours per user.</summary>
    public static readonly TimeSpan RegenerateCooldown = TimeSpan.FromHours(24);

    public async Task<ContextResponse> GetAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        var profile = await db.UserProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == workspace.UserId, cancellationToken);
        return View(profile);
    }

    public async Task<ContextResponse> UpdateAsync(Workspace workspace, UpdateContextRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var profile = await Profiles.LockAsync(db, workspace, now, cancellationToken);
        profile.CompanyContext = request.CompanyContext ?? profile.CompanyContext;
        profile.MarketContext = request.MarketContext ?? profile.MarketContext;
        profile.Icp = request.Icp ?? profile.Icp;
        profile.UserContext = request.UserContext ?? profile.UserContext;
        profile.ExtraContext = request.ExtraContext ?? profile.ExtraContext;
        profile.CompanyName = request.CompanyContext?.Name ?? profile.CompanyName;
        profile.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return View(profile);
    }

    /// <summary>
    /// Stamps the cooldown with a conditional upsert, so of any number of concurrent calls exactly one wins, even with
    /// Redis flushed; then writes the freeform text and the LinkedIn URLs and queues the run, all in that transaction.
    /// </summary>
    public async Task<Outcome<RegenerateResponse>> RegenerateAsync(Workspace workspace, RegenerateRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Website) && string.IsNullOrWhiteSpace(request.LinkedinUrl))
        {
            return Errors.InvalidRequest("At least one of website or linkedinUrl is required.");
        }

        if (request.Website is not null && !IsWebsite(request.Website))
        {
            return Errors.InvalidRequest("website must be an absolute http or https URL, such as https://acme.com.");
        }

        if ((request.LinkedinUrl is not null && !IsLinkedinUrl(request.LinkedinUrl)) || (request.CompanyLinkedinUrl is not null && !IsLinkedinUrl(request.CompanyLinkedinUrl)))
        {
            return Errors.InvalidRequest("linkedinUrl and companyLinkedinUrl must be LinkedIn URLs, such as https://www.linkedin.com/in/sid.");
        }

        if (request.FreeformContext?.Length > MaxFreeformLength)
        {
            return Errors.InvalidRequest($"freeformContext must be at most {MaxFreeformLength} characters.");
        }

        var now = PostgresTimestamp(time.GetUtcNow());
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stamped = await db.Database.SqlQuery<DateTimeOffset>($"""
            INSERT INTO user_profiles (user_id, org_id, email, created_at, updated_at, last_context_regenerated_at)
            VALUES ({workspace.UserId}, {workspace.OrgId}, {workspace.Email}, {now}, {now}, {now})
            ON CONFLICT (user_id) DO UPDATE SET last_context_regenerated_at = excluded.last_context_regenerated_at, updated_at = excluded.updated_at
             WHERE user_profiles.last_context_regenerated_at IS NULL OR user_profiles.last_context_regenerated_at <= {now - RegenerateCooldown}
            RETURNING last_context_regenerated_at AS "Value"
            """).ToListAsync(cancellationToken);
        if (stamped.Count == 0)
        {
            var last = await db.UserProfiles.Where(p => p.UserId == workspace.UserId).Select(p => p.LastContextRegeneratedAt).SingleAsync(cancellationToken);
            return new Failure(
                StatusCodes.Status429TooManyRequests,
                new RegenerateRefusal("Context was regenerated less than 24 hours ago.", "rate_limited", Utc(last!.Value + RegenerateCooldown)));
        }

        var profile = await db.UserProfiles.SingleAsync(p => p.UserId == workspace.UserId, cancellationToken);
        if (request.FreeformContext is not null)
        {
            profile.ExtraContext = (profile.ExtraContext ?? new ExtraContext()) with { Freeform = request.FreeformContext };
        }

        if (request.LinkedinUrl is not null || request.CompanyLinkedinUrl is not null)
        {
            profile.UserContext = (profile.UserContext ?? new UserContext { Email = profile.Email, FirstName = profile.FirstName, LastName = profile.LastName }) with
            {
                LinkedinUrl = request.LinkedinUrl ?? profile.UserContext?.LinkedinUrl,
                CompanyLinkedinUrl = request.CompanyLinkedinUrl ?? profile.UserContext?.CompanyLinkedinUrl,
            };
        }

        var runId = Ids.NewRunId();
        Activity.Current?.SetTag(Microsoft.Extensions.Hosting.RunTelemetry.RunIdTag, runId);
        await JobQueue.EnqueueAsync(db, new Job
        {
            Id = runId,
            Kind = JobKinds.Regenerate,
            OrgId = workspace.OrgId,
            UserId = workspace.UserId,
            Payload = JobPayload.Write(new RegeneratePayload(request.Website, request.LinkedinUrl, request.CompanyLinkedinUrl)),
            RunAfter = now,
            CreatedAt = now,
            TraceParent = JobQueue.CurrentTraceParent(),
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RegenerateResponse(true, runId, Utc(now));
    }

    private static ContextResponse View(UserProfile? profile) => new(
        profile?.Website,
        profile?.CompanyName,
        profile?.CompanyContext,
        profile?.MarketContext,
        profile?.Icp,
        profile?.UserContext,
        profile?.ExtraContext ?? new ExtraContext(),
        Utc(profile?.ContextGeneratedAt),
        Utc(profile?.LastContextRegeneratedAt));

    /// <summary>Postgres keeps microseconds; the response shows the stamp exactly as stored.</summary>
    private static DateTimeOffset PostgresTimestamp(DateTimeOffset value) => new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);
}
