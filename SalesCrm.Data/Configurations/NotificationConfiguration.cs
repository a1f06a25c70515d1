using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.Property(n => n.Title).HasMaxLength(300);
        b.Property(n => n.Body).HasMaxLength(2000);
        b.Property(n => n.Link).HasMaxLength(500);
        b.Property(n => n.DedupKey).HasMaxLength(200);
        b.HasOne<Manager>().WithMany().HasForeignKey(n => n.RecipientId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(n => new { n.RecipientId, n.ReadAt, n.CreatedAt });
        b.HasIndex(n => new { n.RecipientId, n.DedupKey }).IsUnique();
    }
}
