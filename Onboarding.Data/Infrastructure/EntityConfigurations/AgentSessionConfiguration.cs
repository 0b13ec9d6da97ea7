using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Onboarding.Data.Model;

namespace Onboarding.Data.Infrastructure.EntityConfigurations;

internal sealed class AgentSessionConfiguration : IEntityTypeConfiguration<AgentSession>
{
    public void Configure(EntityTypeBuilder<AgentSession> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(40);
        builder.Property(s => s.UserAgent).HasMaxLength(200);
        builder.Property(s => s.ProjectHint).HasMaxLength(500);
        builder.Property(s => s.ClaimedByOrg).HasMaxLength(40);

        // The sweeper's scan: expired, unclaimed, not yet purged.
        builder.HasIndex(s => s.ExpiresAt)
            .HasFilter("claimed_at IS NULL AND events_purged_at IS NULL");
    }
}
