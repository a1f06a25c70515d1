using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> b)
    {
        b.Property(l => l.Version).IsConcurrencyToken();
        b.Property(l => l.CompanyName).HasMaxLength(300);
        b.Property(l => l.Inn).HasMaxLength(12);
        b.Property(l => l.ContactName).HasMaxLength(200);
        b.Property(l => l.Phone).HasMaxLength(40);
        b.Property(l => l.PhoneNormalized).HasMaxLength(20);
        b.Property(l => l.Email).HasMaxLength(256);
        b.Property(l => l.EmailNormalized).HasMaxLength(256);
        b.Property(l => l.Messenger).HasMaxLength(100);
        b.Property(l => l.ProductCode).HasMaxLength(50);
        b.Property(l => l.Region).HasMaxLength(100);
        b.Property(l => l.Industry).HasMaxLength(100);
        b.Property(l => l.Comment).HasMaxLength(4000);
        b.Property(l => l.DisqualifyReason).HasMaxLength(1000);
        b.Property(l => l.SourceTags)
            .HasConversion(
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
                v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, JsonSerializerOptions.Default) ?? new(),
                new ValueComparer<Dictionary<string, string>>(
                    (a, c) => a!.Count == c!.Count && !a.Except(c).Any(),
                    v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key.GetHashCode(), kv.Value.GetHashCode())),
                    v => new Dictionary<string, string>(v)))
            .HasMaxLength(8000);
        b.HasOne<Manager>().WithMany().HasForeignKey(l => l.AssigneeId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(l => l.Assignments).WithOne().HasForeignKey(a => a.LeadId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(l => l.Assignments).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasIndex(l => new { l.AssigneeId, l.Status });
        b.HasIndex(l => new { l.Status, l.CreatedAt });
        b.HasIndex(l => l.CreatedAt);
        b.HasIndex(l => l.Inn);
        b.HasIndex(l => l.PhoneNormalized);
        b.HasIndex(l => l.EmailNormalized);
        b.HasIndex(l => new { l.QueueTeamId, l.AssigneeId, l.Status });
        b.HasIndex(l => l.FirstContactAt);
    }
}

internal sealed class AssignmentConfiguration : IEntityTypeConfiguration<Assignment>
{
    public void Configure(EntityTypeBuilder<Assignment> b)
    {
        b.Property(a => a.Comment).HasMaxLength(1000);
        b.Property(a => a.Rule).HasMaxLength(500);
        b.HasIndex(a => a.At);
        b.HasIndex(a => new { a.DealId, a.At }); // a deal card's assignment history
        b.HasOne<Manager>().WithMany().HasForeignKey(a => a.ToManagerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.Property(r => r.Key).HasMaxLength(200);
        b.Property(r => r.Fingerprint).HasMaxLength(64);
        b.HasIndex(r => new { r.ApiKeyId, r.Key }).IsUnique();
        b.HasOne<SalesCrm.Domain.Integrations.ApiKey>().WithMany().HasForeignKey(r => r.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(r => r.Lead).WithMany().HasForeignKey(r => r.LeadId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LeadDedupKeyConfiguration : IEntityTypeConfiguration<LeadDedupKey>
{
    public void Configure(EntityTypeBuilder<LeadDedupKey> b)
    {
        b.Property(k => k.Value).HasMaxLength(300);
        b.HasIndex(k => k.Value).IsUnique();
        b.HasOne(k => k.Lead).WithMany().HasForeignKey(k => k.LeadId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<SalesCrm.Domain.Integrations.ApiKey>
{
    public void Configure(EntityTypeBuilder<SalesCrm.Domain.Integrations.ApiKey> b)
    {
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.KeyHash).HasMaxLength(64);
        b.Property(k => k.Prefix).HasMaxLength(10);
        b.HasIndex(k => k.KeyHash).IsUnique();
    }
}

internal sealed class WebFormConfiguration : IEntityTypeConfiguration<WebForm>
{
    public void Configure(EntityTypeBuilder<WebForm> b)
    {
        b.Property(f => f.Name).HasMaxLength(100);
        b.Property(f => f.PublicKey).HasMaxLength(40);
        b.HasIndex(f => f.PublicKey).IsUnique();
        b.Property(f => f.Mapping)
            .HasConversion(
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
                v => new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(v, JsonSerializerOptions.Default) ?? new(),
                    StringComparer.OrdinalIgnoreCase),
                new ValueComparer<Dictionary<string, string>>(
                    (a, c) => a!.Count == c!.Count && !a.Except(c).Any(),
                    v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key.GetHashCode(), kv.Value.GetHashCode())),
                    v => new Dictionary<string, string>(v, StringComparer.OrdinalIgnoreCase)))
            .HasMaxLength(8000);
    }
}
