using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Engagement;

namespace SalesCrm.Data.Configurations;

internal sealed class CallScriptConfiguration : IEntityTypeConfiguration<CallScript>
{
    public void Configure(EntityTypeBuilder<CallScript> b)
    {
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Text).HasMaxLength(CallScript.MaxTextLength);
        b.Property(s => s.ObjectionsText).HasMaxLength(CallScript.MaxTextLength);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.Ignore(s => s.Objections);
        b.HasOne<Product>().WithMany().HasForeignKey(s => s.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => new { s.IsArchived, s.Stage, s.ProductId });
    }
}
