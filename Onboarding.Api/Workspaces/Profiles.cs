using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;

namespace Onboarding.Api.Workspaces;

/// <summary>The user's profile row, created on first use.</summary>
public static class Profiles
{
    /// <summary>
    /// Loads the profile for change inside the caller's transaction, creating it if needed, and locks it so
    /// concurrent changes of one profile apply one after the other.
    /// </summary>
    public static async Task<UserProfile> LockAsync(OnboardingDbContext db, Workspace workspace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO user_profiles (user_id, org_id, email, created_at, updated_at)
            VALUES ({workspace.UserId}, {workspace.OrgId}, {workspace.Email}, {now}, {now})
            ON CONFLICT (user_id) DO NOTHING
            """, cancellationToken);
        return await db.UserProfiles.FromSql($"SELECT * FROM user_profiles WHERE user_id = {workspace.UserId} FOR UPDATE").SingleAsync(cancellationToken);
    }
}
