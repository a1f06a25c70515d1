using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SalesCrm.Data.Access;
using SalesCrm.Data.Interceptors;
using SalesCrm.Data.Providers;

namespace SalesCrm.Data;

public enum DatabaseProvider
{
    Sqlite = 1,
    SqlServer = 2,
    PostgreSql = 3,
}

/// <summary>The <c>Database</c> section of appsettings.json.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string ConnectionString { get; set; } = "Data Source=data/salescrm.db";
    /// <summary>Apply pending migrations when the app starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// SQLite: how long a write waits for another writer (another process, a long import) before it gives up with
    /// "the database is busy, nothing was saved". SQLite's busy wait holds a thread (Microsoft.Data.Sqlite's async API
    /// is synchronous), so it stays short; decision record 0009.
    /// </summary>
    public int BusyTimeoutSeconds { get; set; } = 15;
}

/// <summary>Provider selection and the data layer's registrations.</summary>
public static class CrmDatabase
{
    /// <summary>Points an options builder at the configured provider, with the migrations assembly of its context.</summary>
    public static TBuilder Configure<TBuilder>(TBuilder builder, DatabaseOptions options)
        where TBuilder : DbContextOptionsBuilder
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var busy = Math.Clamp(options.BusyTimeoutSeconds, 1, 600);
                builder.UseSqlite(new SqliteConnectionStringBuilder(options.ConnectionString) { DefaultTimeout = busy }.ToString(), o => o.CommandTimeout(busy))
                    .AddInterceptors(Providers.SqliteConnectionPragmas.Instance);
                break;
            case DatabaseProvider.SqlServer:
                // No retrying execution strategy: the audit interceptor and several services open their own transactions,
                // which a retrying strategy refuses; an outage is answered "try again" instead (DatabaseFault).
                builder.UseSqlServer(options.ConnectionString, o => o.CommandTimeout(120));
                break;
            case DatabaseProvider.PostgreSql:
                builder.UseNpgsql(options.ConnectionString, o => o.CommandTimeout(120));
                break;
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{options.Provider}'. Use Sqlite, SqlServer or PostgreSql.");
        }
        builder.AddInterceptors(NulCharacterGuard.Instance);
        return builder;
    }

    /// <summary>
    /// Registers the context factory for the configured provider (singleton), the interceptors, and the
    /// scoped <see cref="IDbContextFactory{CrmDbContext}"/> that stamps every context with the current user for the audit.
    /// </summary>
    public static IServiceCollection AddSalesCrmData(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.Provider == DatabaseProvider.Sqlite) EnsureSqliteFolder(options.ConnectionString);
        services.AddSingleton(options);
        services.AddSingleton(new Common.CrmOptions(configuration));
        services.AddSingleton<AuditInterceptor>();
        services.AddSingleton<DomainEventInterceptor>();
        switch (options.Provider)
        {
            case DatabaseProvider.SqlServer: AddProvider<SqlServerCrmDbContext>(services, options); break;
            case DatabaseProvider.PostgreSql: AddProvider<PostgreSqlCrmDbContext>(services, options); break;
            default: AddProvider<SqliteCrmDbContext>(services, options); break;
        }
        services.AddScoped<IDbContextFactory<CrmDbContext>, ActorStampingFactory>();
        services.AddScoped<Deals.DealService>();
        services.AddScoped<Clients.ClientService>();
        services.AddScoped<Common.LookupService>();
        services.AddScoped<Dashboard.DashboardService>();
        services.TryAddSingleton<Common.ISharedResults, Common.UnsharedResults>();
        services.AddScoped<Dashboard.BoardService>();
        services.AddScoped<Dashboard.BoardTokenService>();
        services.AddScoped<Pipeline.PipelineService>();
        services.AddSingleton<Leads.DistributionSnapshot>();
        services.AddSingleton<Leads.LeadIntakeService>();
        services.AddScoped<Leads.LeadService>();
        services.AddScoped<Leads.AssignmentService>();
        services.AddScoped<Leads.LeadImportService>();
        services.AddSingleton<Imports.ImportQueue>();
        services.AddScoped<Imports.CrmImportService>();
        services.AddScoped<Search.SearchService>();
        services.AddScoped<Comments.CommentService>();
        var files = Files.FileStorageOptions.From(configuration);
        services.AddSingleton(files);
        if (files.Store == Files.FileStoreKind.Database) services.AddSingleton<Files.IFileStore, Files.DatabaseFileStore>();
        else services.AddSingleton<Files.IFileStore, Files.DiskFileStore>();
        services.AddScoped<Files.FileService>();
        services.AddSingleton(new Proposals.ProposalOptions(configuration));
        services.AddScoped<Proposals.ProposalService>();
        services.AddScoped<Proposals.ProposalTemplateService>();
        services.AddScoped<Engagement.CallScriptService>();
        services.AddScoped<Views.SavedViewService>();
        services.AddScoped<Leads.WebFormService>();
        services.AddSingleton<Leads.FormSpamGuard>();
        services.AddSingleton<Leads.SpeedToLeadScanner>();
        services.AddSingleton<Common.IPeriodicScan>(sp => sp.GetRequiredService<Leads.SpeedToLeadScanner>());
        services.AddScoped<Integrations.ApiKeyService>();
        services.AddScoped<Approvals.ApprovalService>();
        services.AddScoped<Reports.ReportService>();
        services.AddScoped<Coaching.CoachingService>();
        services.AddScoped<Quality.QualityService>();
        services.AddScoped<Diagnostics.DiagnosticsService>();
        services.AddScoped<Tasks.TaskService>();
        services.AddScoped<Tasks.AgendaService>();
        services.AddSingleton(new Diagnostics.DiagnosticsOptions(configuration));
        services.AddSingleton<Diagnostics.RitualLog>();
        services.AddSingleton<Common.ScanRuns>();
        services.AddSingleton<Diagnostics.DiagnosticSnapshotScan>();
        services.AddSingleton<Common.IPeriodicScan>(sp => sp.GetRequiredService<Diagnostics.DiagnosticSnapshotScan>());
        services.AddScoped<Quality.ClientMergeService>();
        services.AddScoped<Quality.QualityAuditService>();
        services.AddSingleton<Quality.QualitySnapshotScan>();
        services.AddSingleton<Common.IPeriodicScan>(sp => sp.GetRequiredService<Quality.QualitySnapshotScan>());
        services.AddScoped<Renewals.RenewalService>();
        services.AddSingleton<Renewals.RenewalScheduler>();
        services.AddSingleton<Common.IPeriodicScan>(sp => sp.GetRequiredService<Renewals.RenewalScheduler>());
        services.AddSingleton<Approvals.ApprovalSlaScanner>();
        services.AddSingleton<Common.IPeriodicScan>(sp => sp.GetRequiredService<Approvals.ApprovalSlaScanner>());
        services.AddSingleton<Integrations.ApiKeyVerifier>();
        services.AddSingleton<Integrations.IntegrationSecretVerifier>();
        services.AddSingleton<Integrations.ConnectorHealth>();
        services.AddScoped<Integrations.IntegrationSecretService>();
        services.AddScoped<Admin.UserAdminService>();
        services.AddScoped<Admin.TeamAdminService>();
        services.AddScoped<Admin.PipelineAdminService>();
        services.AddScoped<Admin.PlanService>();
        services.AddSingleton<Calendar.WorkingCalendarSource>();
        services.AddScoped<Calendar.CalendarAdminService>();
        services.AddScoped<Catalogues.CatalogueService>();
        services.AddScoped<Integrations.TelephonyService>();
        services.AddSingleton(new Integrations.PbxApiOptions(configuration));
        services.AddSingleton(new Integrations.PbxHttp(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            { Timeout = TimeSpan.FromSeconds(30) }));
        services.AddScoped<Integrations.PbxRecordingService>();
        services.AddScoped<Integrations.ClickToCallService>();
        services.AddSingleton<Integrations.ClickToCallPace>();
        services.AddScoped<Integrations.ScreenPopService>();
        services.AddSingleton(new Integrations.TelegramOptions(configuration));
        services.AddSingleton(sp => new Integrations.TelegramBotApi(sp.GetRequiredService<Integrations.TelegramOptions>(),
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) }));
        services.AddScoped<Integrations.TelegramService>();
        services.AddSingleton<Integrations.IOutboundChannel, Integrations.TelegramChannel>();
        services.AddSingleton<Integrations.OutboxSender>();
        services.AddSingleton(new Integrations.MailboxOptions(configuration));
        services.AddSingleton<Integrations.IOutboundChannel, Integrations.EmailChannel>();
        services.AddSingleton<Integrations.MailboxReader>();
        services.AddScoped<Integrations.Conversations>();
        services.AddScoped<Integrations.CounterpartyRiskService>();
        services.AddSingleton(new Integrations.RiskProviderOptions(configuration));
        // One long-lived client with pooled connections that are recycled (DNS changes are picked up).
        services.AddSingleton(sp => new Integrations.HttpRiskProvider(sp.GetRequiredService<Integrations.RiskProviderOptions>(),
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan }));
        services.AddScoped<Notifications.NotificationService>();
        services.AddSingleton<Notifications.StuckAlertScanner>();
        services.AddSingleton<Common.IPeriodicScan>(sp => sp.GetRequiredService<Notifications.StuckAlertScanner>());
        services.AddScoped<Common.SecurityLog>();
        services.AddSingleton<Demo.DatabaseInitializer>();
        return services;
    }

    private static void AddProvider<T>(IServiceCollection services, DatabaseOptions options) where T : CrmDbContext
    {
        services.AddDbContextFactory<T>((sp, builder) => Configure(builder, options)
            .AddInterceptors(sp.GetRequiredService<AuditInterceptor>(), sp.GetRequiredService<DomainEventInterceptor>()),
            ServiceLifetime.Singleton);
        services.AddSingleton<IProviderContextFactory, ProviderContextFactory<T>>();
    }

    private static void EnsureSqliteFolder(string connectionString)
    {
        var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder) && path != ":memory:") Directory.CreateDirectory(folder);
    }

    /// <summary>Applies migrations and sets SQLite to WAL (readers never wait for the writer).</summary>
    public static async Task MigrateAsync(CrmDbContext db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = (await db.Database.GetAppliedMigrationsAsync(ct)).Where(m => !known.Contains(m)).ToList();
        if (unknown.Count > 0) throw new UnknownMigrationsException(unknown);
        await db.Database.MigrateAsync(ct);
        await Search.SearchIndex.EnsureAsync(db, ct);
        // Keeps SQLite's query-planner statistics current (runs ANALYZE only where it helps).
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA optimize;", ct);
    }
}

/// <summary>Creates contexts of the configured provider, with the interceptors; no user stamped.</summary>
public interface IProviderContextFactory
{
    CrmDbContext Create();
}

internal sealed class ProviderContextFactory<T>(IDbContextFactory<T> inner) : IProviderContextFactory where T : CrmDbContext
{
    public CrmDbContext Create() => inner.CreateDbContext();
}

/// <summary>The factory application code uses: each context knows who is acting, for the audit trail.</summary>
internal sealed class ActorStampingFactory(IProviderContextFactory inner, IUserContext user) : IDbContextFactory<CrmDbContext>
{
    public CrmDbContext CreateDbContext()
    {
        var db = inner.Create();
        db.Actor = user.Cached is { } u ? u.Actor : Actor.System;
        return db;
    }

    public async Task<CrmDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        var current = await user.FindAsync(cancellationToken);
        var db = inner.Create();
        db.Actor = current?.Actor ?? Actor.System;
        return db;
    }
}

/// <summary>
/// The database carries migrations this build does not have: it was made by a build from before the migrations were
/// folded into one per provider (decision record 0010), or by a newer build. Nothing is changed; the message says what to do.
/// </summary>
public sealed class UnknownMigrationsException(IReadOnlyList<string> unknown) : Exception(
    $"The database was created by another build of SalesCrm (migrations {string.Join(", ", unknown.Take(3))}{(unknown.Count > 3 ? ", …" : "")} " +
    "are not in this one) and cannot be upgraded by it. A demo database can simply be deleted (data/salescrm.db by default): it is " +
    "created again at the next start. База создана другой сборкой SalesCrm — демо-базу удалите, она будет создана заново.") // not UI text: printed on the console in both languages
{
    public IReadOnlyList<string> Unknown { get; } = unknown;
}
