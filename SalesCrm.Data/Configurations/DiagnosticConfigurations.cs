using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class RitualMarkConfiguration : IEntityTypeConfiguration<Domain.Diagnostics.RitualMark>
{
    public void Configure(EntityTypeBuilder<Domain.Diagnostics.RitualMark> b)
    {
        b.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.TeamId, r.Kind, r.Day }).IsUnique();
    }
}

internal sealed class DiagnosticSnapshotConfiguration : IEntityTypeConfiguration<Domain.Diagnostics.DiagnosticSnapshot>
{
    public void Configure(EntityTypeBuilder<Domain.Diagnostics.DiagnosticSnapshot> b)
    {
        b.Property(s => s.TriggerCode).HasMaxLength(50);
        b.HasIndex(s => new { s.TeamId, s.Month, s.TriggerCode }).IsUnique(); // once per month, whichever node or restart takes it
    }
}
