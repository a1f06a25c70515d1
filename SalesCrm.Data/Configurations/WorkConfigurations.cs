using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    public void Configure(EntityTypeBuilder<Activity> b)
    {
        b.Property(a => a.Outcome).HasMaxLength(500);
        b.Property(a => a.Comment).HasMaxLength(4000);
        b.Property(a => a.CallId).HasMaxLength(100);
        b.Property(a => a.RecordingUrl).HasMaxLength(1000);
        b.PrimitiveCollection(a => a.Tags);
        b.HasOne<Manager>().WithMany().HasForeignKey(a => a.AuthorId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Deal>().WithMany().HasForeignKey(a => a.DealId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Client>().WithMany().HasForeignKey(a => a.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(a => new { a.DealId, a.OccurredAt });
        b.HasIndex(a => new { a.ClientId, a.OccurredAt });
        b.HasIndex(a => new { a.LeadId, a.OccurredAt });
        b.HasIndex(a => new { a.AuthorId, a.OccurredAt });
        b.HasIndex(a => a.CallId).IsUnique(); // one call is one activity, however often the PBX delivers it
    }
}

internal sealed class TaskItemConfiguration : IEntityTypeConfiguration<TaskItem>
{
    public void Configure(EntityTypeBuilder<TaskItem> b)
    {
        b.ToTable("Tasks");
        b.Property(t => t.Title).HasMaxLength(300);
        b.Property(t => t.Comment).HasMaxLength(4000);
        b.HasOne<Manager>().WithMany().HasForeignKey(t => t.AssigneeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Deal>().WithMany().HasForeignKey(t => t.DealId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Client>().WithMany().HasForeignKey(t => t.ClientId).OnDelete(DeleteBehavior.Restrict);
        // "No next step" is NOT EXISTS(open task of the deal due after now): this index answers it.
        b.HasIndex(t => new { t.DealId, t.Status, t.DueAt });
        b.HasIndex(t => new { t.AssigneeId, t.Status, t.DueAt });
        b.HasIndex(t => t.ClientId);
    }
}

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

internal sealed class ReportArchiveConfiguration : IEntityTypeConfiguration<Domain.Reports.ReportArchiveEntry>
{
    public void Configure(EntityTypeBuilder<Domain.Reports.ReportArchiveEntry> b)
    {
        b.ToTable("ReportArchive");
        b.Property(r => r.FileName).HasMaxLength(200);
        b.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.TeamId, r.PeriodStart }).IsUnique(); // the scheduled pack runs once per team and week
    }
}

internal sealed class RenewalStepConfiguration : IEntityTypeConfiguration<Domain.Contracts.RenewalStep>
{
    public void Configure(EntityTypeBuilder<Domain.Contracts.RenewalStep> b)
    {
        b.HasOne<Domain.Contracts.Contract>().WithMany().HasForeignKey(r => r.ContractId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.ContractId, r.OffsetDays }).IsUnique(); // renewal work is opened once per contract and offset
    }
}

internal sealed class ApprovalDecisionConfiguration : IEntityTypeConfiguration<ApprovalDecision>
{
    public void Configure(EntityTypeBuilder<ApprovalDecision> b) => b.Property(d => d.Comment).HasMaxLength(4000);
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

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(a => a.EntityType).HasMaxLength(100);
        b.Property(a => a.EntityId).HasMaxLength(100);
        b.Property(a => a.Field).HasMaxLength(200);
        b.Property(a => a.OldValue).HasMaxLength(AuditEntry.MaxValueLength);
        b.Property(a => a.NewValue).HasMaxLength(AuditEntry.MaxValueLength);
        b.Property(a => a.ActorName).HasMaxLength(200);
        b.HasIndex(a => new { a.EntityType, a.EntityId, a.At });
        b.HasIndex(a => a.At);
    }
}

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

internal sealed class RitualMarkConfiguration : IEntityTypeConfiguration<Domain.Diagnostics.RitualMark>
{
    public void Configure(EntityTypeBuilder<Domain.Diagnostics.RitualMark> b)
    {
        b.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.TeamId, r.Kind, r.Day }).IsUnique();
    }
}

internal sealed class DiagnosticSnapshotConfiguration : IEntityTypeConfiguration<Domain.Diagnostics.DiagnosticSnapshot>
{
    public void Configure(EntityTypeBuilder<Domain.Diagnostics.DiagnosticSnapshot> b)
    {
        b.Property(s => s.TriggerCode).HasMaxLength(50);
        b.HasIndex(s => new { s.TeamId, s.Month, s.TriggerCode }).IsUnique(); // once per month, whichever node or restart takes it
    }
}
