using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Onboarding.Data.Model;

namespace Onboarding.Data.Infrastructure.EntityConfigurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(r => new { r.Scope, r.Key });
        builder.Property(r => r.Scope).HasMaxLength(80);
        builder.Property(r => r.Key).HasMaxLength(255);
        builder.Property(r => r.ResponseBody).HasColumnType("json");
        builder.HasIndex(r => r.CreatedAt);
    }
}
