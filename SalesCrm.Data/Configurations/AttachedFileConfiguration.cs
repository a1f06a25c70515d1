using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Data.Files;
using SalesCrm.Domain.Files;

namespace SalesCrm.Data.Configurations;

internal sealed class AttachedFileConfiguration : IEntityTypeConfiguration<AttachedFile>
{
    public void Configure(EntityTypeBuilder<AttachedFile> b)
    {
        b.Property(f => f.Name).HasMaxLength(FileRules.MaxNameLength);
        b.Property(f => f.ContentType).HasMaxLength(100);
        b.Property(f => f.Sha256).HasMaxLength(64);
        b.Property(f => f.StorageKey).HasMaxLength(64);
        b.HasIndex(f => f.StorageKey).IsUnique();
        b.HasIndex(f => new { f.DealId, f.UploadedAt });
        b.HasIndex(f => new { f.ClientId, f.UploadedAt });
    }
}

/// <summary>The content table of the database file store; it is not audited (it is no business record, and the bytes would flood the trail).</summary>
internal sealed class FileContentConfiguration : IEntityTypeConfiguration<FileContent>
{
    public void Configure(EntityTypeBuilder<FileContent> b)
    {
        b.HasKey(c => c.Key);
        b.Property(c => c.Key).HasMaxLength(64);
    }
}
