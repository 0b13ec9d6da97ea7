using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Onboarding.Data.Model;

namespace Onboarding.Data.Infrastructure.EntityConfigurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).HasMaxLength(40);
        builder.Property(j => j.Kind).HasMaxLength(40);
        builder.Property(j => j.State).HasMaxLength(20);
        builder.Property(j => j.Payload).HasColumnType("jsonb");
        builder.Property(j => j.LeaseOwner).HasMaxLength(200);
        builder.Property(j => j.LastError).HasMaxLength(1000);
        builder.Property(j => j.TraceParent).HasMaxLength(55);
        builder.Ignore(j => j.TraceId);
        // The pick-up scans: due queued jobs, and running jobs whose lease ran out.
        builder.HasIndex(j => j.RunAfter).HasFilter("state = 'queued'").HasDatabaseName("ix_jobs_due");
        builder.HasIndex(j => j.LeaseExpiresAt).HasFilter("state = 'running'").HasDatabaseName("ix_jobs_leased");
        builder.HasIndex(j => new { j.UserId, j.CreatedAt });
        builder.HasOne<ScrapeSession>().WithMany().HasForeignKey(j => j.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<OrgUser>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Org>().WithMany().HasForeignKey(j => j.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RunStepConfiguration : IEntityTypeConfiguration<RunStep>
{
    public void Configure(EntityTypeBuilder<RunStep> builder)
    {
        builder.ToTable("run_steps");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).UseIdentityAlwaysColumn();
        builder.Property(s => s.RunId).HasMaxLength(40);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Detail).HasMaxLength(1000);
        builder.Property(s => s.Outcome).HasMaxLength(20);
        builder.Property(s => s.SpanId).HasMaxLength(16);
        builder.HasIndex(s => new { s.RunId, s.StartedAt });
        builder.HasOne<Job>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
