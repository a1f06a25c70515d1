using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Configurations;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.Property(p => p.Code).HasMaxLength(50);
        b.Property(p => p.Name).HasMaxLength(200);
        b.HasIndex(p => p.Code).IsUnique();
    }
}

internal sealed class PipelineStageConfiguration : IEntityTypeConfiguration<PipelineStage>
{
    public void Configure(EntityTypeBuilder<PipelineStage> b)
    {
        b.HasKey(s => s.Code);
        b.Property(s => s.Code).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(100);
    }
}

internal sealed class DealConfiguration : IEntityTypeConfiguration<Deal>
{
    public void Configure(EntityTypeBuilder<Deal> b)
    {
        b.Property(d => d.Version).IsConcurrencyToken();
        b.Property(d => d.LossComment).HasMaxLength(2000);
        b.Property(d => d.NegotiationStrategy).HasMaxLength(4000);
        b.Property(d => d.Agreements).HasMaxLength(4000);
        b.HasOne(d => d.Client).WithMany().HasForeignKey(d => d.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(d => d.Product).WithMany().HasForeignKey(d => d.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(d => d.Owner).WithMany().HasForeignKey(d => d.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PipelineStage>().WithMany().HasForeignKey(d => d.Stage).OnDelete(DeleteBehavior.Restrict);
        b.OwnsOne(d => d.Proposal, p =>
        {
            p.Property(x => x.SentAt).HasColumnName("ProposalSentAt");
            p.Property(x => x.ValidUntil).HasColumnName("ProposalValidUntil");
            p.Property(x => x.PremiumKopecks).HasColumnName("ProposalPremiumKopecks");
            p.HasIndex(x => x.ValidUntil);
        });
        b.HasMany(d => d.StageChanges).WithOne().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(d => d.CompetitorOffers).WithOne().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(d => d.Participants).WithOne().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(d => d.Assignments).WithOne().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Restrict);
        // The history is part of the aggregate: a move marks earlier entries as progressed, so it is always loaded.
        b.Navigation(d => d.StageChanges).UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
        b.Navigation(d => d.CompetitorOffers).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(d => d.Participants).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(d => d.Assignments).UsePropertyAccessMode(PropertyAccessMode.Field);

        // The dashboard, the pipeline board and the deal list filter and group by these. The wider ones cover
        // their queries (the database reads the index, not the rows): the funnel's GROUP BY stage, the stuck
        // ranges per stage, won/lost in a period, and the forecast's expected-close range.
        // An owner's open deals and the dashboard's "no activity" count, answered from the index alone.
        b.HasIndex(d => new { d.OwnerId, d.Stage, d.LastActivityAt, d.CreatedAt });
        // A team's figures read its members' ranges only (a team dashboard is recomputed on each change of the team):
        // the funnel's totals per stage and the wins of a period; the deals that moved since a date (the conversion's
        // cohorts); the stuck ranges per stage; the open deals expected to close in a period (the forecast).
        b.HasIndex(d => new { d.OwnerId, d.Stage, d.ClosedAt, d.PremiumKopecks, d.Probability });
        b.HasIndex(d => new { d.OwnerId, d.StageEnteredAt });
        b.HasIndex(d => new { d.OwnerId, d.Stage, d.StageEnteredAt });
        b.HasIndex(d => new { d.OwnerId, d.ExpectedCloseDate, d.Stage, d.PremiumKopecks, d.Probability });
        // A team's deals that wait for an approval (the TV board's pending approvals).
        b.HasIndex(d => new { d.OwnerId, d.ApprovalState });
        b.HasIndex(d => new { d.Stage, d.LastActivityAt, d.CreatedAt });
        // A manager's deal list, newest first (the first page without a sort of all the owner's deals).
        b.HasIndex(d => new { d.OwnerId, d.Id });
        b.HasIndex(d => new { d.Stage, d.PremiumKopecks, d.Probability });
        b.HasIndex(d => new { d.Stage, d.StageEnteredAt });
        b.HasIndex(d => new { d.Stage, d.ClosedAt, d.PremiumKopecks });
        b.HasIndex(d => new { d.ExpectedCloseDate, d.Stage, d.PremiumKopecks, d.Probability });
        b.HasIndex(d => d.ClientId);
        b.HasIndex(d => d.ProductId);
        b.HasIndex(d => new { d.StageEnteredAt, d.Stage }); // the stuck list in "longest stuck first" order
        b.HasIndex(d => d.CreatedAt);
        b.HasIndex(d => d.LastActivityAt);
    }
}

internal sealed class DealStageChangeConfiguration : IEntityTypeConfiguration<DealStageChange>
{
    public void Configure(EntityTypeBuilder<DealStageChange> b)
    {
        // Stage conversion: entries of a period (At range) and, per entry, "a later entry of the same deal
        // into a higher stage" — both answered from these indexes alone.
        b.HasIndex(x => new { x.DealId, x.At, x.To });
        b.HasIndex(x => new { x.At, x.To, x.DealId, x.Progressed });
        b.HasOne<Manager>().WithMany().HasForeignKey(x => x.ByManagerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CompetitorOfferConfiguration : IEntityTypeConfiguration<CompetitorOffer>
{
    public void Configure(EntityTypeBuilder<CompetitorOffer> b)
    {
        b.Property(x => x.Competitor).HasMaxLength(200);
        b.Property(x => x.Terms).HasMaxLength(2000);
    }
}

internal sealed class DealParticipantConfiguration : IEntityTypeConfiguration<DealParticipant>
{
    public void Configure(EntityTypeBuilder<DealParticipant> b)
    {
        b.HasIndex(x => new { x.DealId, x.ManagerId }).IsUnique();
        b.HasOne<Manager>().WithMany().HasForeignKey(x => x.ManagerId).OnDelete(DeleteBehavior.Restrict);
    }
}
