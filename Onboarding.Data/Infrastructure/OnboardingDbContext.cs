using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Model;

namespace Onboarding.Data.Infrastructure;

/// <remarks>
/// Add a migration with:
/// <c>dotnet ef migrations add NAME --project Onboarding.Data --output-dir Infrastructure/Migrations</c>
/// </remarks>
public class OnboardingDbContext : DbContext
{
    // EF Core sets the DbSet properties when it constructs the context.
    [SetsRequiredMembers]
    public OnboardingDbContext(DbContextOptions<OnboardingDbContext> options) : base(options)
    {
        // Our transactions are short and all-or-nothing; a savepoint per SaveChanges is a wasted round trip.
        Database.AutoSavepointsEnabled = false;
    }

    public required DbSet<AgentSession> AgentSessions { get; set; }

    public required DbSet<SessionEvent> SessionEvents { get; set; }

    public required DbSet<IdempotencyRecord> IdempotencyRecords { get; set; }

    public required DbSet<Org> Orgs { get; set; }

    public required DbSet<OrgDomain> OrgDomains { get; set; }

    public required DbSet<OrgUser> Users { get; set; }

    public required DbSet<ApiKey> ApiKeys { get; set; }

    public required DbSet<Claim> Claims { get; set; }

    public required DbSet<OutboxEmail> OutboxEmails { get; set; }

    public required DbSet<ScrapeSession> ScrapeSessions { get; set; }

    public required DbSet<UserProfile> UserProfiles { get; set; }

    public required DbSet<ContextVersion> ContextVersions { get; set; }

    public required DbSet<Job> Jobs { get; set; }

    public required DbSet<RunStep> RunSteps { get; set; }

    public required DbSet<InterviewSession> InterviewSessions { get; set; }

    public required DbSet<InterviewTurn> InterviewTurns { get; set; }

    public required DbSet<EntrepreneurBrief> EntrepreneurBriefs { get; set; }

    public required DbSet<Project> Projects { get; set; }

    public required DbSet<BriefAnalysis> BriefAnalyses { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OnboardingDbContext).Assembly);
}
