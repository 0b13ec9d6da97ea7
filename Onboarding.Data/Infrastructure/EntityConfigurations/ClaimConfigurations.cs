using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Onboarding.Data.Model;

namespace Onboarding.Data.Infrastructure.EntityConfigurations;

internal sealed class OrgConfiguration : IEntityTypeConfiguration<Org>
{
    public void Configure(EntityTypeBuilder<Org> builder)
    {
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasMaxLength(40);
        builder.Property(o => o.Slug).HasMaxLength(40);
        builder.Property(o => o.CreatedFromSessionId).HasMaxLength(40);
        builder.Property(o => o.Plan).HasMaxLength(20).HasDefaultValue(Plans.Trial);
        // Two claims racing for one slug: the index picks the winner.
        builder.HasIndex(o => o.Slug).IsUnique();
        builder.HasOne<AgentSession>().WithMany().HasForeignKey(o => o.CreatedFromSessionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OrgDomainConfiguration : IEntityTypeConfiguration<OrgDomain>
{
    public void Configure(EntityTypeBuilder<OrgDomain> builder)
    {
        builder.HasKey(d => d.Domain);
        builder.Property(d => d.Domain).HasMaxLength(253);
        builder.HasOne<Org>().WithMany().HasForeignKey(d => d.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrgUserConfiguration : IEntityTypeConfiguration<OrgUser>
{
    public void Configure(EntityTypeBuilder<OrgUser> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).HasMaxLength(40);
        builder.Property(u => u.Email).HasMaxLength(254);
        builder.HasIndex(u => u.Email).IsUnique();
        builder.HasOne<Org>().WithMany().HasForeignKey(u => u.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(40);
        builder.Property(k => k.Prefix).HasMaxLength(16);
        // Authentication looks a key up by its hash.
        builder.HasIndex(k => k.Hash).IsUnique();
        builder.HasIndex(k => k.OrgId);
        builder.HasOne<Org>().WithMany().HasForeignKey(k => k.OrgId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<OrgUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ClaimConfiguration : IEntityTypeConfiguration<Claim>
{
    public void Configure(EntityTypeBuilder<Claim> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(40);
        builder.Property(c => c.SessionId).HasMaxLength(40);
        builder.Property(c => c.Email).HasMaxLength(254);
        builder.Property(c => c.OrgSlug).HasMaxLength(40);
        builder.Property(c => c.OrgId).HasMaxLength(40);
        // Superseding a session's pending claims, and the per-email limit.
        builder.HasIndex(c => c.SessionId).HasFilter("confirmed_at IS NULL AND superseded_at IS NULL");
        builder.HasOne<AgentSession>().WithMany().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxEmailConfiguration : IEntityTypeConfiguration<OutboxEmail>
{
    public void Configure(EntityTypeBuilder<OutboxEmail> builder)
    {
        builder.ToTable("email_outbox");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseIdentityAlwaysColumn();
        builder.Property(m => m.ClaimId).HasMaxLength(40);
        builder.Property(m => m.To).HasMaxLength(254);
        builder.Property(m => m.IdempotencyKey).HasMaxLength(100);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.Property(m => m.ProviderMessageId).HasMaxLength(200);
        builder.HasIndex(m => m.IdempotencyKey).IsUnique();
        // The sender's scan: what is still due.
        builder.HasIndex(m => m.NextAttemptAt).HasFilter("sent_at IS NULL AND failed_at IS NULL");
        builder.HasOne<Claim>().WithMany().HasForeignKey(m => m.ClaimId).OnDelete(DeleteBehavior.Cascade);
    }
}
