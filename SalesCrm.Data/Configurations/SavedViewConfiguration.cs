using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Teams;
using SalesCrm.Domain.Views;

namespace SalesCrm.Data.Configurations;

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> b)
    {
        b.Property(v => v.Name).HasMaxLength(SavedView.NameMaxLength);
        b.Property(v => v.NameKey).HasMaxLength(SavedView.NameMaxLength);
        b.Property(v => v.Query).HasMaxLength(SavedView.QueryMaxLength);
        b.Property(v => v.HiddenColumns).HasMaxLength(SavedView.ColumnsMaxLength);
        b.Property(v => v.Version).IsConcurrencyToken();
        b.Ignore(v => v.Address);
        b.HasOne<Manager>().WithMany().HasForeignKey(v => v.OwnerId).OnDelete(DeleteBehavior.Cascade);
        // The service says which name is taken; the index keeps two saves racing with the same name from both succeeding.
        b.HasIndex(v => new { v.OwnerId, v.List, v.NameKey }).IsUnique();
    }
}
