using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class ReportArchiveConfiguration : IEntityTypeConfiguration<Domain.Reports.ReportArchiveEntry>
{
    public void Configure(EntityTypeBuilder<Domain.Reports.ReportArchiveEntry> b)
    {
        b.ToTable("ReportArchive");
        b.Property(r => r.FileName).HasMaxLength(200);
        b.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.TeamId, r.PeriodStart }).IsUnique(); // the scheduled pack runs once per team and week
    }
}
