using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SalesCrm.Data.Providers;

/// <summary>SQLite, the embedded default. Its migrations live in Migrations/Sqlite.</summary>
public sealed class SqliteCrmDbContext(DbContextOptions<SqliteCrmDbContext> options) : CrmDbContext(options);

/// <summary>SQL Server, the production database. Migrations in Migrations/SqlServer.</summary>
public sealed class SqlServerCrmDbContext(DbContextOptions<SqlServerCrmDbContext> options) : CrmDbContext(options);

/// <summary>PostgreSQL. Migrations in Migrations/PostgreSql.</summary>
public sealed class PostgreSqlCrmDbContext(DbContextOptions<PostgreSqlCrmDbContext> options) : CrmDbContext(options);

// Design-time factories: `dotnet ef migrations add X --context <Provider>CrmDbContext` builds the model
// without starting the web app. The connection strings are placeholders that are never opened.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCrmDbContext>
{
    public SqliteCrmDbContext CreateDbContext(string[] args) =>
        new(CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(),
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=design.db" }).Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerCrmDbContext>
{
    public SqlServerCrmDbContext CreateDbContext(string[] args) =>
        new(CrmDatabase.Configure(new DbContextOptionsBuilder<SqlServerCrmDbContext>(),
            new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = "Server=.;Database=SalesCrm;Trusted_Connection=True;TrustServerCertificate=True" }).Options);
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlCrmDbContext>
{
    public PostgreSqlCrmDbContext CreateDbContext(string[] args) =>
        new(CrmDatabase.Configure(new DbContextOptionsBuilder<PostgreSqlCrmDbContext>(),
            new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = "Host=localhost;Database=salescrm;Username=postgres" }).Options);
}
