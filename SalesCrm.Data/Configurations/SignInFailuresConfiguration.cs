using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SalesCrm.Data.Identity;

namespace SalesCrm.Data.Configurations;

internal sealed class SignInFailuresConfiguration : IEntityTypeConfiguration<SignInFailures>
{
    public void Configure(EntityTypeBuilder<SignInFailures> b)
    {
        b.Property(f => f.Key).HasMaxLength(64);
        b.HasIndex(f => f.Key).IsUnique();
    }
}
