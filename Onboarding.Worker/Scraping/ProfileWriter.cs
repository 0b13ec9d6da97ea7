using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using Onboarding.Worker.Generation;
using Onboarding.Worker.Jobs;

namespace Onboarding.Worker.Scraping;

/// <summary>Puts a run's generated contexts on the user's profile, and keeps them as a version of their own.</summary>
public static class ProfileWriter
{
    /// <summary>The user's profile, tracked for change; created if the Api has not made one yet.</summary>
    public static async Task<UserProfile> LoadAsync(OnboardingDbContext db, JobLease lease, string email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = await db.UserProfiles.SingleOrDefaultAsync(p => p.UserId == lease.UserId, cancellationToken);
        if (profile is null)
        {
            profile = new UserProfile { UserId = lease.UserId, OrgId = lease.OrgId, Email = email, CreatedAt = now };
            db.UserProfiles.Add(profile);
        }

        return profile;
    }

    /// <summary>Writes the context onto the profile and adds its version: one more row, in the caller's transaction.</summary>
    public static void Apply(OnboardingDbContext db, JobLease lease, UserProfile profile, GeneratedContext context, DateTimeOffset now)
    {
        db.ContextVersions.Add(new ContextVersion
        {
            UserId = profile.UserId,
            OrgId = profile.OrgId,
            RunId = lease.Id,
            Kind = lease.Kind,
            GeneratedAt = now,
            CompanyContext = context.Company,
            MarketContext = context.Market,
            Icp = context.Icp,
        });
        profile.CompanyContext = context.Company;
        profile.MarketContext = context.Market;
        profile.Icp = context.Icp;
        profile.CompanyName = context.Company.Name;
        profile.UserContext ??= new UserContext { Email = profile.Email, FirstName = profile.FirstName, LastName = profile.LastName };
        profile.ContextGeneratedAt = now;
        profile.UpdatedAt = now;
    }
}
