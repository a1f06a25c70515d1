using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data;
using SalesCrm.Data.Demo;
using SalesCrm.Data.Providers;

namespace SalesCrm.Tests.Support;

/// <summary>
/// Real SQLite databases for the tests. A small demo dataset (the same generator as the app, fewer
/// rows) is generated once per run into a template file; each test gets its own copy.
/// </summary>
public static class TestDatabase
{
    /// <summary>Small but complete: every demo user, both teams, every stage and signal.</summary>
    public static readonly DemoScale Scale = new(Clients: 240, Deals: 480, ActivitiesPerDeal: 3, Leads: 60, ChunkSize: 500);

    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    /// <summary>A fresh copy of the demo template; returns its connection string.</summary>
    public static async Task<string> CopyAsync()
    {
        var template = await Template.Value;
        var file = Paths.NewFile(".db");
        File.Copy(template, file);
        return $"Data Source={file}";
    }

    /// <summary>An empty, migrated database with reference data only.</summary>
    public static async Task<string> EmptyAsync()
    {
        var connection = $"Data Source={Paths.NewFile(".db")}";
        await using var db = CreateContext(connection);
        await CrmDatabase.MigrateAsync(db);
        await ReferenceData.EnsureAsync(db);
        return connection;
    }

    public static SqliteCrmDbContext CreateContext(string connectionString) =>
        new(CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(),
            new DatabaseOptions { ConnectionString = connectionString }).Options);

    private static async Task<string> CreateTemplateAsync()
    {
        var file = Paths.NewFile(".template.db");
        var connection = $"Data Source={file}";
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddSingleton<SalesCrm.Data.Interceptors.IDomainEventPublisher>(SalesCrm.Data.Interceptors.NullDomainEventPublisher.Instance)
            .AddSingleton<SalesCrm.Data.Access.IUserContext, SystemUser>()
            .AddSalesCrmData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = connection,
            }).Build());
        await using (var provider = services.BuildServiceProvider())
        {
            var contexts = provider.GetRequiredService<IProviderContextFactory>();
            await using (var db = contexts.Create())
            {
                await CrmDatabase.MigrateAsync(db);
                await ReferenceData.EnsureAsync(db);
            }
            await new DemoDataGenerator(contexts.Create, TimeProvider.System).GenerateAsync(Scale);
            await using (var db = contexts.Create())
            {
                await db.Database.OpenConnectionAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            }
        }
        SqliteConnection.ClearAllPools();
        return file;
    }

    private sealed class SystemUser : SalesCrm.Data.Access.IUserContext
    {
        public SalesCrm.Data.Access.CurrentUser? Cached => null;

        public ValueTask<SalesCrm.Data.Access.CurrentUser?> FindAsync(CancellationToken ct = default) => ValueTask.FromResult<SalesCrm.Data.Access.CurrentUser?>(null);
    }
}
