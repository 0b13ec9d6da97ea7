using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Onboarding.Data.Model;

namespace Onboarding.Data.Infrastructure.EntityConfigurations;

internal sealed class ScrapeSessionConfiguration : IEntityTypeConfiguration<ScrapeSession>
{
    public void Configure(EntityTypeBuilder<ScrapeSession> builder)
    {
        builder.ToTable("onboarding_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.RunId).HasMaxLength(40);
        builder.Property(s => s.Website).HasMaxLength(2048);
        builder.Property(s => s.Email).HasMaxLength(254);
        builder.Property(s => s.FirstName).HasMaxLength(100);
        builder.Property(s => s.LastName).HasMaxLength(100);
        builder.Property(s => s.Status).HasMaxLength(20);
        builder.Property(s => s.CompanyName).HasMaxLength(200);
        builder.Property(s => s.ErrorStep).HasMaxLength(20);
        builder.Property(s => s.ErrorMessage).HasMaxLength(1000);
        // "The latest session of the user" (docs/api/workspace.md).
        builder.HasIndex(s => new { s.UserId, s.CreatedAt });
        builder.HasIndex(s => s.RunId).IsUnique();
        builder.HasOne<OrgUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Org>().WithMany().HasForeignKey(s => s.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserProfileConfiguration : IEntityTypeConfiguration<UserProfile>
{
    public void Configure(EntityTypeBuilder<UserProfile> builder)
    {
        builder.ToTable("user_profiles");
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.Email).HasMaxLength(254);
        builder.Property(p => p.FirstName).HasMaxLength(100);
        builder.Property(p => p.LastName).HasMaxLength(100);
        builder.Property(p => p.Website).HasMaxLength(2048);
        builder.Property(p => p.CompanyName).HasMaxLength(200);
        builder.Property(p => p.CompanyContext).AsJson();
        builder.Property(p => p.MarketContext).AsJson();
        builder.Property(p => p.Icp).AsJson();
        builder.Property(p => p.UserContext).AsJson();
        builder.Property(p => p.ExtraContext).AsJson();
        builder.HasOne<OrgUser>().WithOne().HasForeignKey<UserProfile>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Org>().WithMany().HasForeignKey(p => p.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal static class JsonColumns
{
    // The wire's casing (camelCase), so what is stored reads like what GET /api/context returns.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>Stores a record (or a list or map) as <c>jsonb</c>, compared by its JSON so any change is saved.</summary>
    public static PropertyBuilder<T> AsJson<T>(this PropertyBuilder<T> property) where T : class? =>
        property.HasColumnType("jsonb").HasConversion(
            new ValueConverter<T, string?>(
                value => value == null ? null : JsonSerializer.Serialize(value, Options),
                json => json == null ? default! : JsonSerializer.Deserialize<T>(json, Options)!),
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
                value => JsonSerializer.Serialize(value, Options).GetHashCode(StringComparison.Ordinal),
                value => value == null ? default! : JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Options), Options)!));
}
