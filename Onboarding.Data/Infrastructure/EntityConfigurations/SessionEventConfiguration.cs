using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Onboarding.Data.Model;

namespace Onboarding.Data.Infrastructure.EntityConfigurations;

internal sealed class SessionEventConfiguration : IEntityTypeConfiguration<SessionEvent>
{
    public void Configure(EntityTypeBuilder<SessionEvent> builder)
    {
        // The primary key is also what makes a duplicate sequence number impossible.
        builder.HasKey(e => new { e.SessionId, e.Seq });
        builder.Property(e => e.Type).HasMaxLength(200);
        // json (not jsonb) keeps the exact bytes the chain hash was computed over.
        builder.Property(e => e.Payload).HasColumnType("json");
        builder.HasOne<AgentSession>().WithMany().HasForeignKey(e => e.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}
