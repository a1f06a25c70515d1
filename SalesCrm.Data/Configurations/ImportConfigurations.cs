using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Imports;

namespace SalesCrm.Data.Configurations;

internal sealed class ImportMappingConfiguration : IEntityTypeConfiguration<ImportMapping>
{
    public void Configure(EntityTypeBuilder<ImportMapping> b)
    {
        b.Property(m => m.External).HasMaxLength(300);
        b.Property(m => m.Target).HasMaxLength(50);
        b.HasIndex(m => new { m.Source, m.Kind, m.External }).IsUnique();   // one answer per value
    }
}

internal sealed class ImportedRecordConfiguration : IEntityTypeConfiguration<ImportedRecord>
{
    public void Configure(EntityTypeBuilder<ImportedRecord> b)
    {
        b.Property(r => r.ExternalId).HasMaxLength(200);
        b.Property(r => r.File).HasMaxLength(260);
        // The same record of their CRM is written once, whichever run or node gets to it: the import's idempotence.
        b.HasIndex(r => new { r.Source, r.Kind, r.ExternalId }).IsUnique();
        b.HasIndex(r => new { r.Kind, r.EntityId });
        b.HasIndex(r => r.RunId);
    }
}

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> b)
    {
        b.Property(r => r.StartedByName).HasMaxLength(200);
        b.Property(r => r.TimeZoneId).HasMaxLength(100);
        b.Property(r => r.Error).HasMaxLength(2000);
        b.Property(r => r.Notes).HasMaxLength(2000);
        b.HasMany(r => r.Files).WithOne().HasForeignKey(f => f.RunId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(r => r.Files).HasField("_files");
        b.HasIndex(r => r.StartedAt);
    }
}

internal sealed class ImportFileConfiguration : IEntityTypeConfiguration<ImportFile>
{
    public void Configure(EntityTypeBuilder<ImportFile> b) => b.Property(f => f.Name).HasMaxLength(260);
}
