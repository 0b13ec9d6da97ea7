using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Onboarding.Data.Model;

namespace Onboarding.Data.Infrastructure.EntityConfigurations;

internal sealed class InterviewSessionConfiguration : IEntityTypeConfiguration<InterviewSession>
{
    public void Configure(EntityTypeBuilder<InterviewSession> builder)
    {
        builder.ToTable("interview_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(40);
        builder.Property(s => s.Plan).HasMaxLength(20);
        builder.Property(s => s.Status).HasMaxLength(20);
        builder.Property(s => s.AnalysisRunId).HasMaxLength(40);
        builder.Property(s => s.State).AsJson();
        builder.Property(s => s.UserContext).AsJson();
        builder.Property(s => s.Feedback).AsJson();
        // "The most recent active or paused session of the user", and the sessions started this month.
        builder.HasIndex(s => new { s.UserId, s.CreatedAt });
        builder.HasOne<OrgUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Org>().WithMany().HasForeignKey(s => s.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InterviewTurnConfiguration : IEntityTypeConfiguration<InterviewTurn>
{
    public void Configure(EntityTypeBuilder<InterviewTurn> builder)
    {
        builder.ToTable("interview_turns");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).UseIdentityAlwaysColumn();
        builder.Property(t => t.SessionId).HasMaxLength(40);
        builder.Property(t => t.MessageId).HasMaxLength(100);
        // A retried save finds its turn here; two racing ones cannot both insert.
        builder.HasIndex(t => new { t.SessionId, t.MessageId }).IsUnique();
        builder.HasIndex(t => new { t.SessionId, t.Version });
        builder.HasOne<InterviewSession>().WithMany().HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EntrepreneurBriefConfiguration : IEntityTypeConfiguration<EntrepreneurBrief>
{
    public void Configure(EntityTypeBuilder<EntrepreneurBrief> builder)
    {
        builder.ToTable("entrepreneur_briefs");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.SessionId).HasMaxLength(40);
        builder.Property(b => b.Fields).AsJson();
        builder.HasIndex(b => b.SessionId).IsUnique();
        builder.HasOne<InterviewSession>().WithMany().HasForeignKey(b => b.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<OrgUser>().WithMany().HasForeignKey(b => b.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Org>().WithMany().HasForeignKey(b => b.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.ToTable("projects");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.SessionId).HasMaxLength(40);
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.HasIndex(p => p.SessionId).IsUnique();
        builder.HasIndex(p => p.UserId);
        builder.HasOne<InterviewSession>().WithMany().HasForeignKey(p => p.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<OrgUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Org>().WithMany().HasForeignKey(p => p.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BriefAnalysisConfiguration : IEntityTypeConfiguration<BriefAnalysis>
{
    public void Configure(EntityTypeBuilder<BriefAnalysis> builder)
    {
        builder.ToTable("brief_analyses");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.RunId).HasMaxLength(40);
        builder.Property(a => a.SessionId).HasMaxLength(40);
        builder.Property(a => a.Source).HasMaxLength(200);
        builder.Property(a => a.Insights).AsJson();
        // A rescued run writes its analysis again: the second write replaces, never adds.
        builder.HasIndex(a => a.RunId).IsUnique();
        builder.HasIndex(a => new { a.SessionId, a.CreatedAt });
        builder.HasOne<InterviewSession>().WithMany().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Project>().WithMany().HasForeignKey(a => a.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
