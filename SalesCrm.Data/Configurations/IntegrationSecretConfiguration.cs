using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Data.Configurations;

internal sealed class IntegrationSecretConfiguration : IEntityTypeConfiguration<IntegrationSecret>
{
    public void Configure(EntityTypeBuilder<IntegrationSecret> b)
    {
        b.Property(s => s.Secret).HasMaxLength(200);
        b.Property(s => s.PreviousSecret).HasMaxLength(200);
        b.Property(s => s.Hint).HasMaxLength(10);
        b.Property(s => s.Account).HasMaxLength(200);
        b.HasIndex(s => s.Kind).IsUnique();   // one secret per connected system
    }
}

internal sealed class ConnectorStateConfiguration : IEntityTypeConfiguration<ConnectorState>
{
    public void Configure(EntityTypeBuilder<ConnectorState> b)
    {
        b.HasIndex(s => s.Connector).IsUnique();
        b.Property(s => s.LastError).HasMaxLength(500);
    }
}
