using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Activities;

namespace SalesCrm.Data.Configurations;

internal sealed class CommentConfiguration : IEntityTypeConfiguration<Comment>
{
    public void Configure(EntityTypeBuilder<Comment> b)
    {
        b.Property(c => c.Text).HasMaxLength(Comment.MaxLength);
        b.PrimitiveCollection(c => c.Mentions);
        b.HasIndex(c => new { c.DealId, c.CreatedAt });
        b.HasIndex(c => new { c.ClientId, c.CreatedAt });
    }
}
