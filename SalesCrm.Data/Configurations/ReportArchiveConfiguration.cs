using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
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
