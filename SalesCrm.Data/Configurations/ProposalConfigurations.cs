using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Proposals;

namespace SalesCrm.Data.Configurations;

internal sealed class ProposalTemplateConfiguration : IEntityTypeConfiguration<ProposalTemplate>
{
    public void Configure(EntityTypeBuilder<ProposalTemplate> b)
    {
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.FileName).HasMaxLength(Domain.Files.FileRules.MaxNameLength);
        b.Property(t => t.Sha256).HasMaxLength(64);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasOne<Product>().WithMany().HasForeignKey(t => t.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(t => new { t.ProductId, t.IsArchived });
    }
}

internal sealed class ProposalDocumentConfiguration : IEntityTypeConfiguration<ProposalDocument>
{
    public void Configure(EntityTypeBuilder<ProposalDocument> b)
    {
        b.HasOne<Deal>().WithMany().HasForeignKey(p => p.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => new { p.DealId, p.Number }).IsUnique();
        b.HasIndex(p => p.Token).IsUnique();
        b.HasIndex(p => p.SentAt);
        b.HasIndex(p => p.OutboundMessageId);
        b.Property(p => p.Token).HasMaxLength(40);
        b.Property(p => p.TemplateName).HasMaxLength(200);
        b.Property(p => p.InsuredObject).HasMaxLength(1000);
        b.Property(p => p.SentTo).HasMaxLength(320);
        b.Ignore(p => p.Premium);
        b.Ignore(p => p.Code);
        b.OwnsMany(p => p.Options, o =>
        {
            o.ToTable("ProposalOptions");
            o.WithOwner().HasForeignKey("DocumentId");
            o.Property<int>("Id");
            o.HasKey("Id");
            o.Property(x => x.Name).HasMaxLength(100);
            o.Property(x => x.Terms).HasMaxLength(1000);
        });
        b.Navigation(p => p.Options).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ProposalOpeningConfiguration : IEntityTypeConfiguration<ProposalOpening>
{
    public void Configure(EntityTypeBuilder<ProposalOpening> b)
    {
        b.HasOne<ProposalDocument>().WithMany().HasForeignKey(o => o.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(o => new { o.DocumentId, o.At });
        b.Property(o => o.Address).HasMaxLength(64);
        b.Property(o => o.UserAgent).HasMaxLength(300);
    }
}
