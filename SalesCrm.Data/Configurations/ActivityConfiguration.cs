using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Deals;
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

internal sealed class PbxRecordingConfiguration : IEntityTypeConfiguration<PbxRecording>
{
    public void Configure(EntityTypeBuilder<PbxRecording> b)
    {
        b.Property(r => r.CallId).HasMaxLength(100);
        b.Property(r => r.Reference).HasMaxLength(200);
        b.HasIndex(r => r.CallId).IsUnique(); // a call's recording is announced once, or again with the same reference
    }
}
