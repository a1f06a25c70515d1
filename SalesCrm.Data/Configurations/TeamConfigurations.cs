using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => t.Name).IsUnique();
    }
}

internal sealed class ManagerConfiguration : IEntityTypeConfiguration<Manager>
{
    public void Configure(EntityTypeBuilder<Manager> b)
    {
        b.Property(m => m.UserId).HasMaxLength(450);
        b.HasIndex(m => m.UserId).IsUnique();
        b.HasOne<AppUser>().WithOne().HasForeignKey<Manager>(m => m.UserId).OnDelete(DeleteBehavior.Restrict);
        b.Property(m => m.FullName).HasMaxLength(200);
        b.Property(m => m.Email).HasMaxLength(256);
        b.Property(m => m.Phone).HasMaxLength(40);
        b.Property(m => m.Extension).HasMaxLength(20);
        b.HasIndex(m => m.Extension);
        b.HasOne(m => m.Team).WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(m => m.TeamId);
        b.PrimitiveCollection(m => m.Territories);
        b.PrimitiveCollection(m => m.Industries);
        b.PrimitiveCollection(m => m.ProductSpecializations);
        b.PrimitiveCollection(m => m.QuietKinds);
        b.OwnsMany(m => m.Absences, a =>
        {
            a.ToTable("ManagerAbsences");
            a.WithOwner().HasForeignKey("ManagerId");
            a.HasKey(x => x.Id);
        });
        b.Navigation(m => m.Absences).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> b)
    {
        b.HasIndex(p => new { p.ManagerId, p.Year, p.Month }).IsUnique();
        b.HasOne<Manager>().WithMany().HasForeignKey(p => p.ManagerId).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(p => p.Target);
    }
}

internal sealed class BoardTokenConfiguration : IEntityTypeConfiguration<BoardToken>
{
    public void Configure(EntityTypeBuilder<BoardToken> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasOne<Team>().WithMany().HasForeignKey(t => t.TeamId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CoachingNoteConfiguration : IEntityTypeConfiguration<CoachingNote>
{
    public void Configure(EntityTypeBuilder<CoachingNote> b)
    {
        b.Property(n => n.Text).HasMaxLength(CoachingNote.MaxLength);
        b.HasOne<Manager>().WithMany().HasForeignKey(n => n.ManagerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Manager>().WithMany().HasForeignKey(n => n.AuthorId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(n => new { n.ManagerId, n.CreatedAt });
    }
}

internal sealed class DelegationPolicyConfiguration : IEntityTypeConfiguration<DelegationPolicy>
{
    public void Configure(EntityTypeBuilder<DelegationPolicy> b) => b.Property(p => p.Id).ValueGeneratedNever();
}

internal sealed class CalendarDayConfiguration : IEntityTypeConfiguration<Domain.Calendar.CalendarDay>
{
    public void Configure(EntityTypeBuilder<Domain.Calendar.CalendarDay> b)
    {
        b.HasIndex(d => d.Date).IsUnique();
        b.Property(d => d.Name).HasMaxLength(100);
        b.Ignore(d => d.Day);
    }
}

internal sealed class CatalogueEntryConfiguration : IEntityTypeConfiguration<Domain.Catalogues.CatalogueEntry>
{
    public void Configure(EntityTypeBuilder<Domain.Catalogues.CatalogueEntry> b)
    {
        b.Property(e => e.Name).HasMaxLength(100);
        b.HasIndex(e => new { e.Kind, e.Code });
        b.HasIndex(e => new { e.Kind, e.Name }).IsUnique();
    }
}

internal sealed class SharedExampleConfiguration : IEntityTypeConfiguration<SharedExample>
{
    public void Configure(EntityTypeBuilder<SharedExample> b)
    {
        b.HasIndex(e => new { e.TeamId, e.DealId }).IsUnique();
        b.HasIndex(e => new { e.TeamId, e.ActivityId }).IsUnique();
        b.HasOne<Team>().WithMany().HasForeignKey(e => e.TeamId).OnDelete(DeleteBehavior.Cascade);
        // No action in the database (SQL Server refuses a second cascade path from deals); the context removes them with the record.
        b.HasOne<Domain.Deals.Deal>().WithMany().HasForeignKey(e => e.DealId).OnDelete(DeleteBehavior.ClientCascade);
        b.HasOne<Domain.Activities.Activity>().WithMany().HasForeignKey(e => e.ActivityId).OnDelete(DeleteBehavior.ClientCascade);
    }
}
