using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class QualitySnapshotConfiguration : IEntityTypeConfiguration<Domain.Quality.QualitySnapshot>
{
    public void Configure(EntityTypeBuilder<Domain.Quality.QualitySnapshot> b)
    {
        b.Ignore(s => s.Score);
        b.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.TeamId, s.ManagerId, s.Day }).IsUnique(); // one snapshot per team, manager and day, whichever node takes it
    }
}

internal sealed class QualityAuditConfiguration : IEntityTypeConfiguration<Domain.Quality.QualityAudit>
{
    public void Configure(EntityTypeBuilder<Domain.Quality.QualityAudit> b)
    {
        b.HasOne<Manager>().WithMany().HasForeignKey(a => a.ManagerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Manager>().WithMany().HasForeignKey(a => a.AuthorId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(a => new { a.ManagerId, a.CreatedAt });
        b.HasMany(a => a.Items).WithOne().HasForeignKey(i => i.QualityAuditId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(a => a.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class QualityAuditItemConfiguration : IEntityTypeConfiguration<Domain.Quality.QualityAuditItem>
{
    public void Configure(EntityTypeBuilder<Domain.Quality.QualityAuditItem> b)
    {
        b.Property(i => i.Comment).HasMaxLength(1000);
        b.HasOne<Domain.Clients.Client>().WithMany().HasForeignKey(i => i.ClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
