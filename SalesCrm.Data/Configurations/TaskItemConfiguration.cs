using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class TaskItemConfiguration : IEntityTypeConfiguration<TaskItem>
{
    public void Configure(EntityTypeBuilder<TaskItem> b)
    {
        b.ToTable("Tasks");
        b.Property(t => t.Title).HasMaxLength(300);
        b.Property(t => t.Comment).HasMaxLength(4000);
        b.Property(t => t.Place).HasMaxLength(300);
        b.Ignore(t => t.EndsAt);
        b.HasOne<Manager>().WithMany().HasForeignKey(t => t.AssigneeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Deal>().WithMany().HasForeignKey(t => t.DealId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Client>().WithMany().HasForeignKey(t => t.ClientId).OnDelete(DeleteBehavior.Restrict);
        // "No next step" is NOT EXISTS(open task of the deal due after now): this index answers it.
        b.HasIndex(t => new { t.DealId, t.Status, t.DueAt });
        b.HasIndex(t => new { t.AssigneeId, t.Status, t.DueAt });
        b.HasIndex(t => new { t.AssigneeId, t.Status, t.FixRule }); // the open quality fixes of a task list
        b.HasIndex(t => t.ClientId);
    }
}
