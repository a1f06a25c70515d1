using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using MudBlazor.Services;
using SalesCrm.Data.Access;
using SalesCrm.Data.Interceptors;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Live;
using SalesCrm.Web.Services;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The shared bUnit setup (after MudBlazor's own TestContextExtensions): MudBlazor services, loose JS
/// interop, an interactive server renderer, the providers popovers and dialogs need, and the app's
/// real data services on a real SQLite copy of the demo data.
/// </summary>
public abstract class CrmComponentTest : BunitContext, IAsyncLifetime
{
    // A wait is for a condition, and the suite must pass with both cores busy: bUnit's 1-second default is a bet on an idle
    // machine. A condition that holds returns at once, so the bound costs nothing when things are fine.
    static CrmComponentTest() => DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    protected ServiceHarness H { get; private set; } = default!;

    /// <summary>The test's own SQLite database.</summary>
    protected string ConnectionString { get; private set; } = "";

    /// <summary>Configuration the data layer gets besides the database (e.g. <c>Database:BusyTimeoutSeconds</c>).</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    protected LiveNotifier Live { get; private set; } = default!;

    /// <summary>The popover and dialog providers: open dialogs render here.</summary>
    protected IRenderedComponent<Bunit.Rendering.ContainerFragment> Providers { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Live = new LiveNotifier(Microsoft.Extensions.Logging.Abstractions.NullLogger<LiveNotifier>.Instance);
        ConnectionString = await TestDatabase.CopyAsync();
        H = await ServiceHarness.CreateAsync(ConnectionString, publisher: Live, settings: Settings);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        SalesCrm.Web.Resources.LocalizationSetup.AddSalesCrmLocalization(Services);
        Services.AddSingleton<TimeProvider>(H.Time);
        Services.AddSingleton(Live);
        Services.AddSingleton<IUserContext>(H.User);
        Services.AddSingleton(H.Get<SalesCrm.Data.Deals.DealService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Clients.ClientService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Common.LookupService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Dashboard.DashboardService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Common.CrmOptions>());
        // As the app does at startup (UseSalesCrm): pages show and read dates in the department's zone, whatever test ran first.
        Fmt.TimeZone = H.Get<SalesCrm.Data.Common.CrmOptions>().TimeZone;
        Services.AddSingleton(H.Get<SalesCrm.Data.Pipeline.PipelineService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Leads.LeadService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Leads.AssignmentService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Leads.LeadImportService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Integrations.ApiKeyService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Approvals.ApprovalService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Notifications.NotificationService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Dashboard.BoardTokenService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Coaching.CoachingService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Quality.QualityService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Diagnostics.DiagnosticsService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Tasks.TaskService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Quality.QualityAuditService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Quality.ClientMergeService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Integrations.CounterpartyRiskService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Calendar.WorkingCalendarSource>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Catalogues.CatalogueService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Integrations.ClickToCallService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Leads.WebFormService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Integrations.ScreenPopService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Integrations.TelegramService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Integrations.Conversations>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Imports.CrmImportService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Search.SearchService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Files.FileService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Proposals.ProposalService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Proposals.ProposalTemplateService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Engagement.CallScriptService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Comments.CommentService>());
        Services.AddSingleton(H.Get<SalesCrm.Data.Tasks.AgendaService>());
        Services.AddScoped<SalesCrm.Web.Components.Shared.QuickCreate>();
        Services.AddSingleton(H.Get<SalesCrm.Data.Views.SavedViewService>());
        Services.AddSingleton<SalesCrm.Data.Imports.IExportFileReader, CrmExportReader>();
        Services.AddSingleton(new SmtpOptions());
        AddServices(Services);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>A test class's own services, registered after (and so instead of) the shared ones.</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    /// <summary>Renders a component inside the popover and dialog providers, as the app's layout does.</summary>
    protected IRenderedComponent<T> RenderInLayout<T>(Action<ComponentParameterCollectionBuilder<T>> parameters) where T : IComponent
    {
        Providers = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
        });
        return Render(parameters);
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await H.DisposeAsync();
    }
}
