using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data;
using SalesCrm.Data.Providers;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// No SQL Server runs on these machines, so the SQL Server migrations are checked by generating
/// the idempotent deployment script a DBA would run, and reading it.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class SqlServerMigrationsScript
{
    [Fact]
    public void GeneratesTheFullSchema()
    {
        using var db = new SqlServerCrmDbContext(CrmDatabase.Configure(new DbContextOptionsBuilder<SqlServerCrmDbContext>(),
            new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = "Server=127.0.0.1;Database=SalesCrm;User Id=sa;Password=x;TrustServerCertificate=True" }).Options);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        foreach (var table in new[] { "Deals", "Clients", "Activities", "Tasks", "AuditEntries", "AspNetUsers", "ApprovalRequests", "Contracts", "Leads" })
            Assert.Contains($"CREATE TABLE [{table}]", script);
        Assert.Contains("[Version] int NOT NULL", script);
        Assert.Contains("CREATE INDEX [IX_Deals_OwnerId_Stage_ClosedAt_PremiumKopecks_Probability]", script);
        Assert.Contains("bigint", script); // money as kopecks
        Assert.DoesNotContain("decimal", script.Replace("decimal(18,2)", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public void EachProviderHasOneMigrationAndTheModelHasNoChangesOutsideIt(DatabaseProvider provider)
    {
        var options = new DatabaseOptions
        {
            Provider = provider,
            ConnectionString = provider switch
            {
                DatabaseProvider.SqlServer => "Server=127.0.0.1;Database=SalesCrm;User Id=sa;Password=x;TrustServerCertificate=True",
                DatabaseProvider.PostgreSql => "Host=127.0.0.1;Database=salescrm;Username=x;Password=x",
                _ => "Data Source=:memory:",
            },
        };
        using CrmDbContext db = provider switch
        {
            DatabaseProvider.SqlServer => new SqlServerCrmDbContext(CrmDatabase.Configure(new DbContextOptionsBuilder<SqlServerCrmDbContext>(), options).Options),
            DatabaseProvider.PostgreSql => new PostgreSqlCrmDbContext(CrmDatabase.Configure(new DbContextOptionsBuilder<PostgreSqlCrmDbContext>(), options).Options),
            _ => new SqliteCrmDbContext(CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(), options).Options),
        };
        Assert.Single(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} model has changes that are not in its migration: fold them into the Initial migration (docs/decisions/0010).");
    }
}
