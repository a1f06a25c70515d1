using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> b)
    {
        b.Property(c => c.Name).HasMaxLength(300);
        b.Property(c => c.Inn).HasMaxLength(20);
        b.Property(c => c.Kpp).HasMaxLength(9);
        b.Property(c => c.Industry).HasMaxLength(100);
        b.Property(c => c.Region).HasMaxLength(100);
        b.Property(c => c.Phone).HasMaxLength(40);
        b.Property(c => c.Email).HasMaxLength(256);
        b.Property(c => c.Address).HasMaxLength(500);
        b.Property(c => c.RiskSource).HasMaxLength(100);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => c.Inn);
        b.Property(c => c.NameLower).HasMaxLength(300);
        b.HasIndex(c => c.NameLower);
        b.HasIndex(c => c.OwnerId);
        b.HasIndex(c => c.Email); // a lead is matched to a client by e-mail on intake
        // A client merged into another is kept for its history but is no longer a client anywhere: every query skips it
        // (its contacts, deals and the rest were moved to the survivor).
        b.HasQueryFilter(c => c.MergedIntoId == null);
        b.HasIndex(c => c.MergedIntoId);
        b.HasOne<Manager>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.OwnsOne(c => c.RiskIndices);
        b.HasMany(c => c.Contacts).WithOne().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Signals).WithOne().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.PremiumLossYears).WithOne().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Assignments).WithOne().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.Navigation(c => c.Contacts).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(c => c.Signals).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(c => c.PremiumLossYears).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(c => c.Assignments).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.Property(c => c.FullName).HasMaxLength(200);
        b.Property(c => c.Position).HasMaxLength(200);
        b.Property(c => c.Phone).HasMaxLength(40);
        b.Property(c => c.PhoneNormalized).HasMaxLength(20);
        b.Property(c => c.Email).HasMaxLength(256);
        b.HasIndex(c => c.PhoneNormalized);
        b.HasIndex(c => c.Email);
    }
}

internal sealed class ClientSignalConfiguration : IEntityTypeConfiguration<ClientSignal>
{
    public void Configure(EntityTypeBuilder<ClientSignal> b) => b.Property(s => s.Comment).HasMaxLength(2000);
}

internal sealed class PremiumLossYearConfiguration : IEntityTypeConfiguration<PremiumLossYear>
{
    public void Configure(EntityTypeBuilder<PremiumLossYear> b) =>
        b.HasIndex(p => new { p.ClientId, p.Year }).IsUnique();
}
