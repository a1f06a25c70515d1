using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class RenewalStepConfiguration : IEntityTypeConfiguration<Domain.Contracts.RenewalStep>
{
    public void Configure(EntityTypeBuilder<Domain.Contracts.RenewalStep> b)
    {
        b.HasOne<Domain.Contracts.Contract>().WithMany().HasForeignKey(r => r.ContractId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.ContractId, r.OffsetDays }).IsUnique(); // renewal work is opened once per contract and offset
    }
}

internal sealed class ContractConfiguration : IEntityTypeConfiguration<Contract>
{
    public void Configure(EntityTypeBuilder<Contract> b)
    {
        b.Property(c => c.Number).HasMaxLength(50);
        b.HasIndex(c => c.Number).IsUnique();
        b.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Product>().WithMany().HasForeignKey(c => c.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Manager>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Deal>().WithMany().HasForeignKey(c => c.DealId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Deal>().WithMany().HasForeignKey(c => c.RenewalDealId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.State, c.EndDate });
        b.HasIndex(c => c.ClientId);
    }
}
