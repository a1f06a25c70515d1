using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(a => a.EntityType).HasMaxLength(100);
        b.Property(a => a.EntityId).HasMaxLength(100);
        b.Property(a => a.Field).HasMaxLength(200);
        b.Property(a => a.OldValue).HasMaxLength(AuditEntry.MaxValueLength);
        b.Property(a => a.NewValue).HasMaxLength(AuditEntry.MaxValueLength);
        b.Property(a => a.ActorName).HasMaxLength(200);
        b.HasIndex(a => new { a.EntityType, a.EntityId, a.At });
        b.HasIndex(a => a.At);
    }
}
