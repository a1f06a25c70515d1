using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using MudBlazor;
using MudBlazor.Services;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Demo;
using SalesCrm.Data.Identity;
using SalesCrm.Data.Interceptors;
using SalesCrm.Web.Api;
using SalesCrm.Web.Components;
using SalesCrm.Web.Live;
using SalesCrm.Web.Services;
using StackExchange.Redis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using SalesCrm.Web.Security;

namespace SalesCrm.Web;

/// <summary>The web app's registrations and pipeline, in one place.</summary>
public static partial class Hosting
{
    public static readonly CultureInfo[] SupportedCultures = [new("ru-RU"), new("en-US")];

    public static WebApplicationBuilder AddSalesCrm(this WebApplicationBuilder builder)
    {
        // The one settings file lives at the repository root and is copied next to the binaries;
        // it is the lowest-priority source, so appsettings.{Environment}.json, environment variables
        // and command-line arguments still override it.
        var rootSettings = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(rootSettings))
        {
            builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
            {
                Path = "appsettings.json",
                FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
                Optional = false,
                ReloadOnChange = false,
            });
        }

        var services = builder.Services;
        var config = builder.Configuration;
        AnchorSqlitePath(builder);
        AnchorFilesPath(builder);

        services.AddSingleton(TimeProvider.System);
        EnoughThreadsForWaitingWriters(config);
        services.AddProxySettings(config);
        services.AddSalesCrmData(config);

        // Live updates: the in-process notifier receives committed domain events (singleton) and hands this
        // node's events to the relays: the SignalR hub always, the other nodes through Redis when configured.
        services.AddSingleton(sp => new LiveNotifier(sp.GetRequiredService<ILogger<LiveNotifier>>(), sp));
        services.AddSingleton<IDomainEventPublisher>(sp => sp.GetRequiredService<LiveNotifier>());
        services.AddSingleton<LiveSharedResults>();
        services.AddSingleton<SalesCrm.Data.Common.ISharedResults>(sp => sp.GetRequiredService<LiveSharedResults>());
        services.AddSingleton<TeamDirectory>();
        services.AddSingleton<ILiveRelay, HubLiveRelay>();
        var signalR = services.AddSignalR();
        var redis = config["Redis:ConnectionString"];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
            services.AddSingleton<RedisLiveFanOut>();
            services.AddSingleton<ILiveRelay>(sp => sp.GetRequiredService<RedisLiveFanOut>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisLiveFanOut>());
            signalR.AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("salescrm-hub"));
        }
        // Background jobs run on every node by default, each period once across nodes (ScanRuns); a web-only node can
        // leave them to the others.
        if (config.GetValue("BackgroundJobs:Enabled", true))
        {
            services.AddHostedService<ScanService>();
            services.AddHostedService<OutboxWorker>();
            if (!string.IsNullOrWhiteSpace(config["Mailbox:Imap:Host"])) services.AddHostedService<MailboxWorker>();
        }

        // An import started in the wizard runs on the node it was started on, whatever that node's other jobs.
        services.AddSingleton<SalesCrm.Data.Imports.IExportFileReader, CrmExportReader>();
        services.AddSingleton<SalesCrm.Data.Imports.CrmImportJob>();
        services.AddHostedService<ImportWorker>();

        // One key ring in the database for every node: a sign-in cookie or antiforgery token issued by one node is valid
        // on the others, and survives restarts.
        services.AddDataProtection().SetApplicationName("SalesCrm").PersistKeysToDbContext<CrmDbContext>();

        // E-mail copies of notifications, when an SMTP server is configured; otherwise in-app only.
        var smtp = config.GetSection("Smtp").Get<SmtpOptions>() ?? new SmtpOptions();
        services.AddSingleton(smtp);
        if (smtp.Enabled)
        {
            services.AddSingleton<NotificationMailer>();
            services.AddSingleton<ILiveRelay>(sp => sp.GetRequiredService<NotificationMailer>());
            services.AddHostedService(sp => sp.GetRequiredService<NotificationMailer>());
        }
        services.AddLeadsApi(config);
        services.AddExportLimits(config);
        services.AddSingleton(config.GetSection("Reports:Schedule").Get<ReportScheduleOptions>() ?? new ReportScheduleOptions());
        services.AddSingleton<WeeklyPackScheduler>();
        services.AddSingleton<SalesCrm.Data.Common.IPeriodicScan>(sp => sp.GetRequiredService<WeeklyPackScheduler>());

        // Who is acting: the circuit's (or request's) signed-in user (scoped).
        services.AddScoped<WebUserContext>();
        services.AddScoped<Components.Shared.QuickCreate>();
        services.AddScoped<IUserContext>(sp => sp.GetRequiredService<WebUserContext>());

        // Identity in the same database (SalesCrm.Data/Identity/IdentitySetup.cs), with the sign-in and its cookies.
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionAuthenticationStateProvider>();
        services.AddScoped<SessionTerminator>();
        services.AddSingleton<SignInGuard>();
        // A sign-in cookie is checked against the account's security stamp this often: a session ended elsewhere (sign-out,
        // password change or reset, deactivation) stops opening pages and exports within these seconds on every node.
        services.Configure<SecurityStampValidatorOptions>(options =>
            options.ValidationInterval = TimeSpan.FromSeconds(Math.Max(0, config.GetValue("Auth:RevalidateSeconds", 10))));
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BoardTokenAuthentication>(BoardTokenAuthentication.SchemeName, null);
        services.AddSalesCrmIdentity()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AppClaimsFactory>();
        // Cookies are Secure whenever the request is HTTPS — directly, or through a configured proxy (ProxySettings).
        services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/login";
            options.LogoutPath = "/logout";
            options.AccessDeniedPath = "/login";
            options.ExpireTimeSpan = TimeSpan.FromHours(12);
            options.SlidingExpiration = true;
            // Machines (the live hub, the HTTP API) get a status code, not a redirect to the sign-in page.
            options.Events.OnRedirectToLogin = context => MachineOrRedirect(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => MachineOrRedirect(context, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(LiveHub.Policy, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, BoardTokenAuthentication.SchemeName)
                .RequireAuthenticatedUser());
        services.AddHttpContextAccessor();

        Resources.LocalizationSetup.AddSalesCrmLocalization(services);
        services.AddTransient<MudLocalizer, RussianMudLocalizer>();
        services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            options.SnackbarConfiguration.VisibleStateDuration = 6000;
            options.SnackbarConfiguration.PreventDuplicates = false;
        });

        // Cyrillic goes out as text, not as &#x...; entities: half the page weight and readable source.
        services.AddWebEncoders(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        // A tab whose connection drops keeps its circuit (open dialogs, typed text, the page's state) for this long, then
        // the page comes back fresh (see README "Connection drops"). Each retained circuit holds its page's memory.
        services.AddRazorComponents().AddInteractiveServerComponents(options =>
        {
            options.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(Math.Max(1, config.GetValue("Circuits:DisconnectedRetentionSeconds", 180)));
            options.DisconnectedCircuitMaxRetained = Math.Max(1, config.GetValue("Circuits:DisconnectedMaxRetained", 100));
        });
        services.AddHealthChecks();
        return builder;
    }

    /// <summary>
    /// SQLite's busy wait sleeps on a thread-pool thread (its async API is synchronous), and the pool adds threads only
    /// slowly: forty writes waiting on a lock held by another process stalled even /health for 20 s. A higher floor of
    /// worker threads keeps unrelated requests answering while writes wait (decision record 0009).
    /// </summary>
    private static void EnoughThreadsForWaitingWriters(IConfiguration config)
    {
        if (config.GetSection("Database").Get<DatabaseOptions>() is { Provider: not DatabaseProvider.Sqlite }) return;
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < 128) ThreadPool.SetMinThreads(128, io);
    }

    private static bool IsMachinePath(PathString path) => path.StartsWithSegments("/hubs") || path.StartsWithSegments("/api") || path.StartsWithSegments("/_blazor");

    private static Task MachineOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (IsMachinePath(context.Request.Path))
            context.Response.StatusCode = status;
        else
            context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>A relative SQLite path means "under the app's content root", wherever the process was started from.</summary>
    private static void AnchorSqlitePath(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        if (!string.Equals(config["Database:Provider"] ?? "Sqlite", "Sqlite", StringComparison.OrdinalIgnoreCase)) return;
        var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(config["Database:ConnectionString"] ?? "Data Source=data/salescrm.db");
        if (connection.DataSource is ":memory:" or "" || Path.IsPathRooted(connection.DataSource)) return;
        connection.DataSource = Path.Combine(builder.Environment.ContentRootPath, connection.DataSource);
        config["Database:ConnectionString"] = connection.ToString();
    }

    /// <summary>A relative <c>Files:Path</c> is under the app's content root too, beside the SQLite database.</summary>
    private static void AnchorFilesPath(WebApplicationBuilder builder)
    {
        var path = builder.Configuration["Files:Path"] ?? new SalesCrm.Data.Files.FileStorageOptions().Path;
        if (!Path.IsPathRooted(path)) builder.Configuration["Files:Path"] = Path.Combine(builder.Environment.ContentRootPath, path);
    }

    /// <summary>
    /// Migrates the database, ensures reference data and, in demo mode, the demo dataset; then refuses to go on
    /// (<see cref="StartupRefusedException"/>) when a start outside Development would expose the demo or a shipped secret,
    /// and creates the first administrator from <c>Bootstrap:*</c> on an empty installation.
    /// </summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        var demo = app.Configuration.GetValue<bool>("Demo:Enabled");
        try
        {
            await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(demo);
        }
        catch (UnknownMigrationsException unknown)
        {
            throw new StartupRefusedException([unknown.Message]);
        }
        var problems = await ProductionReadiness.ProblemsAsync(app.Configuration, app.Environment,
            app.Services.GetRequiredService<IProviderContextFactory>(), demo);
        if (problems.Count > 0) throw new StartupRefusedException(problems);
        if (demo && !app.Environment.IsDevelopment())
            LogDemoOutsideDevelopment(app.Logger, app.Environment.EnvironmentName);
        await BootstrapAdmin.EnsureAsync(app.Services, app.Configuration);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Demo:Enabled is on in {Environment}: the demo accounts share a public password. Use this only for a demonstration server.")]
    private static partial void LogDemoOutsideDevelopment(ILogger logger, string environment);

    public static WebApplication UseSalesCrm(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<SalesCrm.Data.Common.CrmOptions>();
        Fmt.TimeZone = settings.TimeZone;

        // First: the scheme and the client's address as the configured proxy saw them (nothing is believed without one).
        app.UseForwardedHeaders();

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        // A NUL in the address (a crafted link, a scanner) is refused before anything reads it: no page or query sees it.
        app.Use((context, next) =>
        {
            if (context.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true || context.Request.Path.Value?.Contains('\0') == true)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync("Адрес содержит недопустимый управляющий символ (NUL)."); // not UI text: an HTTP answer (decision 0012)
            }
            return next(context);
        });
        // People get a friendly "not found" page; machines (the hub, the HTTP API) get the bare status code.
        app.UseWhen(context => !IsMachinePath(context.Request.Path),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Routing after the status code pages: a re-executed request for /not-found is routed again and finds its page (with
        // the implicit routing at the start of the pipeline, it came back as an empty 404).
        app.UseRouting();

        var localization = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(settings.DefaultCulture),
            SupportedCultures = SupportedCultures,
            SupportedUICultures = SupportedCultures,
        };
        // Russian unless the user chose otherwise (cookie) — the browser's language does not switch it.
        localization.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        app.UseRequestLocalization(localization);

        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UsePasswordChangeGate();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        app.MapLeadsApi();
        app.MapExports();
        app.MapCalendarFiles();
        app.MapTelephonyApi();
        app.MapMangoOfficeApi();
        app.MapZadarmaApi();
        app.MapFormsApi();
        app.MapTelegramApi();
        app.MapRecordings();
        app.MapFiles();
        app.MapProposals();
        app.MapHub<LiveHub>(LiveHub.Path);
        app.MapHealthChecks("/health");
        return app;
    }
}
