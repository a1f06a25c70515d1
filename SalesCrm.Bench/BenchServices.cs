using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Imports;
using SalesCrm.Data.Interceptors;
using SalesCrm.Web.Services;

namespace SalesCrm.Bench;

/// <summary>The data layer as the app wires it, on a database of the given provider, with one person signed in.</summary>
internal sealed class BenchServices : IAsyncDisposable
{
    private readonly ServiceProvider _root;

    private BenchServices(ServiceProvider root) => _root = root;

    public T Get<T>() where T : notnull => _root.CreateScope().ServiceProvider.GetRequiredService<T>();

    /// <summary>Migrates the database, then <paramref name="prepare"/> makes what the benchmark needs and says who is signed in.</summary>
    public static async Task<BenchServices> CreateAsync(DatabaseProvider provider, string connectionString, Func<CrmDbContext, Task<CurrentUser>> prepare)
    {
        var user = new SignedIn();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IDomainEventPublisher>(NullDomainEventPublisher.Instance)
            .AddSingleton<IUserContext>(user)
            .AddSingleton<IExportFileReader, CrmExportReader>()
            .AddSingleton<CrmImportJob>()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSalesCrmData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(),
                ["Database:ConnectionString"] = connectionString,
            }).Build());
        var root = services.BuildServiceProvider();
        await using (var db = root.GetRequiredService<IProviderContextFactory>().Create())
        {
            await CrmDatabase.MigrateAsync(db);
            user.Cached = await prepare(db);
        }
        return new BenchServices(root);
    }

    public ValueTask DisposeAsync() => _root.DisposeAsync();

    private sealed class SignedIn : IUserContext
    {
        public CurrentUser? Cached { get; set; }

        public ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default) => ValueTask.FromResult(Cached);
    }
}
