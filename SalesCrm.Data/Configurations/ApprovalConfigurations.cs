using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class ApprovalRequestConfiguration : IEntityTypeConfiguration<ApprovalRequest>
{
    public void Configure(EntityTypeBuilder<ApprovalRequest> b)
    {
        b.Property(a => a.Version).IsConcurrencyToken();
        b.Property(a => a.Justification).HasMaxLength(4000);
        b.HasOne<Deal>().WithMany().HasForeignKey(a => a.DealId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Manager>().WithMany().HasForeignKey(a => a.RequesterId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(a => a.Decisions).WithOne().HasForeignKey(d => d.ApprovalRequestId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(a => a.Decisions).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasIndex(a => new { a.State, a.Level });
        b.HasIndex(a => a.DealId);
    }
}

internal sealed class ApprovalPolicyConfiguration : IEntityTypeConfiguration<ApprovalPolicy>
{
    public void Configure(EntityTypeBuilder<ApprovalPolicy> b)
    {
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Ignore(p => p.Matrix);
        b.Ignore(p => p.Sla);
    }
}

internal sealed class ApprovalDecisionConfiguration : IEntityTypeConfiguration<ApprovalDecision>
{
    public void Configure(EntityTypeBuilder<ApprovalDecision> b) => b.Property(d => d.Comment).HasMaxLength(4000);
}
