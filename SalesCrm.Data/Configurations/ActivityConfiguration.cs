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
        b.Property(a => a.MessageId).HasMaxLength(300);
        b.HasIndex(a => a.MessageId).IsUnique(); // one message is one activity, however often the channel delivers it
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

internal sealed class MessengerChatConfiguration : IEntityTypeConfiguration<MessengerChat>
{
    public void Configure(EntityTypeBuilder<MessengerChat> b)
    {
        b.Property(c => c.ExternalId).HasMaxLength(64);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Username).HasMaxLength(100);
        b.Property(c => c.Phone).HasMaxLength(40);
        b.HasIndex(c => new { c.Channel, c.ExternalId }).IsUnique(); // one person writing twice at once is still one chat
        b.HasIndex(c => c.LeadId);
        b.HasIndex(c => c.ClientId);
        b.Ignore(c => c.Display);
    }
}

internal sealed class OutboundMessageConfiguration : IEntityTypeConfiguration<OutboundMessage>
{
    public void Configure(EntityTypeBuilder<OutboundMessage> b)
    {
        b.Property(m => m.To).HasMaxLength(320);
        b.Property(m => m.Subject).HasMaxLength(300);
        b.Property(m => m.Body).HasMaxLength(20_000);
        b.Property(m => m.InReplyTo).HasMaxLength(300);
        b.Property(m => m.LastError).HasMaxLength(1000);
        b.Property(m => m.ExternalId).HasMaxLength(300);
        b.HasOne(m => m.Activity).WithMany().HasForeignKey(m => m.ActivityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Manager>().WithMany().HasForeignKey(m => m.AuthorId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(m => new { m.Status, m.NextAttemptAt }); // the sender's due messages
        b.HasIndex(m => m.ActivityId);
    }
}

internal sealed class MessageAttachmentConfiguration : IEntityTypeConfiguration<MessageAttachment>
{
    public void Configure(EntityTypeBuilder<MessageAttachment> b)
    {
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.HasOne(a => a.Activity).WithMany().HasForeignKey(a => a.ActivityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.ActivityId);
    }
}
