using SalesCrm.Web.Resources;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Web.Components.Pages.Leads.Dialogs;
using SalesCrm.Web.Components.Shared;
using SalesCrm.Web.Live;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Pages.Leads;

/// <summary>
/// The lead inbox: speed to lead, the team's load, the queue and the lists, assignment one by one or in bulk, and
/// the lead's panel. View, search, status and the open lead live in the URL. Live: every lead and deal change
/// re-queries (coalesced); nothing polls.
/// </summary>
public sealed partial class LeadsPage : IDisposable
{
    private CurrentUser? _user;
    private MudDataGrid<LeadRow>? _grid;
    private IReadOnlyList<WorkloadRow> _workload = [];
    private IReadOnlyList<StageInfo> _stages = [];
    private IReadOnlyList<ProductInfo> _products = [];
    private IReadOnlyList<TeamInfo> _teams = [];
    private SpeedToLead? _speed;
    private string _periodName = "";
    private readonly HashSet<int> _selected = [];
    private int _queueCount;
    private int _version;
    private int _targetMinutes = 10;
    private string? _denied;
    private string _lastQuery = "";
    private DateTime _now;
    private SalesCrm.Domain.Calendar.WorkingCalendar? _calendar;
    private LiveRefresh? _live;
    private LiveRefresh? _workloadLive;

    [Inject] private LeadService Leads { get; set; } = default!;
    [Inject] private AssignmentService Assignment { get; set; } = default!;
    [Inject] private LeadImportService Import { get; set; } = default!;
    [Inject] private LookupService Lookups { get; set; } = default!;
    [Inject] private SalesCrm.Data.Calendar.WorkingCalendarSource Calendars { get; set; } = default!;
    [Inject] private IUserContext Users { get; set; } = default!;
    [Inject] private LiveNotifier Live { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private QuickCreate Create { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private CrmOptions Options { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "view")] public string? View { get; set; }
    [SupplyParameterFromQuery(Name = "mine")] public string? Mine { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Q { get; set; }
    [SupplyParameterFromQuery(Name = "status")] public string? Status { get; set; }
    [SupplyParameterFromQuery(Name = "id")] public string? LeadIdText { get; set; }
    [SupplyParameterFromQuery(Name = "month")] public string? Month { get; set; }
    [SupplyParameterFromQuery(Name = "team")] public string? TeamText { get; set; }
    [SupplyParameterFromQuery(Name = "only")] public string? Only { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortParam { get; set; }
    [SupplyParameterFromQuery(Name = "desc")] public string? DescParam { get; set; }
    [SupplyParameterFromQuery(Name = "hide")] public string? HideParam { get; set; }

    /// <summary>The diagnostics' filters of the address (month, team, only), read as the export reads them.</summary>
    private LeadListQuery Evidence => Shared.LeadListAddress.Read(key => key switch
    {
        "month" => Month, "team" => TeamText, "only" => Only, "sort" => SortParam, "desc" => DescParam, _ => null,
    }, Options.TimeZone);

    /// <summary>The grid's property each sort of the address stands for (the header a user clicks).</summary>
    private static readonly IReadOnlyDictionary<LeadSort, string> SortFields = new Dictionary<LeadSort, string>
    {
        [LeadSort.Created] = nameof(LeadRow.CreatedAt),
        [LeadSort.Title] = nameof(LeadRow.Title),
        [LeadSort.Region] = nameof(LeadRow.Region),
        [LeadSort.Status] = nameof(LeadRow.Status),
    };

    private SortDirection Initial(LeadSort sort) => GridSort.Initial(Evidence.Sort == sort, Evidence.Descending);

    private bool Hide(string column) => ListColumn.IsHidden(HideParam, column);

    /// <summary>What the column chooser offers: every column but the lead itself.</summary>
    private IReadOnlyList<ListColumn> Hideable =>
    [
        new("created", L["Поступил"]), new("region", L["Регион, продукт"]), new("assignee", L["Ответственный"]), new("status", L["Статус"]),
        new("response", L["Реакция"]),
    ];

    private bool HasEvidence => Evidence is { Period: not null } or { TeamId: not null } or { Evidence: not LeadEvidence.None };
    private int? LeadId => Shared.QueryValue.Int(LeadIdText);

    private bool CanAssign => _user?.CanAssign == true;

    /// <summary>The team lead starts at the queue, a manager at the own leads.</summary>
    private string ViewKey => Mine == "1" ? "mine" : View is "queue" or "mine" or "all" ? (View == "queue" && !CanAssign ? "mine" : View) : CanAssign ? _defaultView ?? "queue" : "mine";

    /// <summary>The team lead lands on the queue when leads wait in it, otherwise on the team's leads (decided once per visit).</summary>
    private string? _defaultView;

    /// <summary>The list as it is filtered now, as an .xlsx file.</summary>
    private string ExportUrl => Navigation.GetUriWithQueryParameters("/export/leads.xlsx", new Dictionary<string, object?>
    {
        ["view"] = ViewKey, ["q"] = Q, ["status"] = Status, ["month"] = Month, ["team"] = TeamText, ["only"] = Only, ["sort"] = SortParam, ["desc"] = DescParam,
    });

    private LeadStatus? StatusFilter => Enum.TryParse<LeadStatus>(Status, out var s) ? s : null;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _user = await Users.RequireAsync();
            _stages = await Lookups.StagesAsync();
            _products = await Lookups.ProductsAsync();
            _teams = await Lookups.TeamsAsync();
            _targetMinutes = Options.Thresholds.ResponseTargetMinutes;
            await LoadSummaryAsync();
        }
        catch (AccessDeniedException ex)
        {
            _denied = L.For(ex);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        var query = $"{ViewKey}|{Q}|{Status}|{Month}|{TeamText}|{Only}";
        // Another view chosen: its sort goes to the grid (which reloads), its filters reload the grid otherwise.
        var sorted = await GridSort.FollowAsync(_grid, SortFields[Evidence.Sort], Evidence.Descending);
        if (query != _lastQuery && _grid is not null && !sorted)
        {
            _lastQuery = query;
            _selected.Clear();
            await _grid.ReloadServerData();
        }
        _lastQuery = query;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender || _denied is not null) return;
        _live = LiveRefresh.Start(Live, [LeadTopic, LiveNotifier.Settings], InvokeAsync, async () =>
        {
            await RefreshAsync();
            StateHasChanged();
        });
        if (CanAssign)
            _workloadLive = LiveRefresh.Start(Live, WorkloadTopics(_user), InvokeAsync, async () =>
            {
                _workload = await Assignment.WorkloadAsync();
                StateHasChanged();
            });
    }

    /// <summary>Every lead event refreshes the page (the queue is shared), and so does a settings change (targets, names).</summary>
    public const string LeadTopic = "leads";

    /// <summary>
    /// The deals and tasks of the owners the user sees refresh the workload panel only (it counts their open deals, wins and
    /// overdue tasks); nothing else on the page shows a deal.
    /// </summary>
    public static IReadOnlyList<string> WorkloadTopics(CurrentUser? user) => LiveNotifier.Scope(user?.VisibleOwnerIds);

    private async Task RefreshAsync()
    {
        await LoadSummaryAsync();
        _version++;
        if (_grid is not null) await _grid.ReloadServerData();
    }

    private async Task LoadSummaryAsync()
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, Options.TimeZone);
        _periodName = month.FirstDay.ToString("MMMM yyyy", CultureInfo.CurrentCulture);
        _speed = await Leads.SpeedAsync(month);
        if (CanAssign)
        {
            _workload = await Assignment.WorkloadAsync();
            _queueCount = (await Leads.ListAsync(new LeadListQuery { View = LeadView.Queue, PageSize = 1 })).Total;
            _defaultView ??= _queueCount > 0 ? "queue" : "all";
        }
    }

    private async Task<GridData<LeadRow>> LoadAsync(GridState<LeadRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var field = SortFields.FirstOrDefault(f => f.Value == sort?.SortBy).Key;
        var descending = sort?.Descending ?? true;
        if ((field, descending) != (Evidence.Sort, Evidence.Descending))
            GridSort.Remember(Navigation, field == LeadSort.Created ? null : field.ToString(), descending ? null : "0");
        var result = await Leads.ListAsync(new LeadListQuery
        {
            Sort = field,
            Descending = descending,
            View = ViewKey switch { "queue" => LeadView.Queue, "mine" => LeadView.Mine, _ => LeadView.All },
            Status = StatusFilter,
            Text = Q,
            Page = state.Page,
            PageSize = state.PageSize,
            Period = Evidence.Period,
            TeamId = Evidence.TeamId,
            Evidence = Evidence.Evidence,
        }, ct);
        _now = Time.GetUtcNow().UtcDateTime;
        _calendar = await Calendars.CurrentAsync(ct);
        _selected.IntersectWith(result.Items.Where(IsOpen).Select(r => r.Id));
        return new GridData<LeadRow> { Items = result.Items, TotalItems = result.Total };
    }

    private void Go(string? view = null, string? q = null, string? status = null, string? id = null)
    {
        var values = new Dictionary<string, object?>
        {
            ["view"] = Pick(view, View),
            ["mine"] = view is null ? Pick(null, Mine) : null,
            ["q"] = Pick(q, Q),
            ["status"] = Pick(status, Status),
            ["id"] = Pick(id, LeadId?.ToString(CultureInfo.InvariantCulture)),
        };
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(values), new NavigationOptions { ReplaceHistoryEntry = true });
    }

    private static string? Pick(string? changed, string? current) =>
        changed is null ? (string.IsNullOrEmpty(current) ? null : current) : (changed.Length == 0 ? null : changed);

    private void Toggle(int id, bool on)
    {
        if (on) _selected.Add(id);
        else _selected.Remove(id);
    }

    // ---------------------------------------------------------------- actions

    private async Task AssignAsync(IReadOnlyList<int> ids)
    {
        var suggestion = ids.Count == 1 ? await Assignment.SuggestAsync(ids[0]) : null;
        var dialog = await Dialogs.ShowAsync<AssignDialog>(ids.Count == 1 ? L["Назначить лид"] : L["Назначить выбранные лиды"], new DialogParameters<AssignDialog>
        {
            { x => x.LeadIds, ids },
            { x => x.Managers, _workload },
            { x => x.Suggestion, suggestion },
            { x => x.Submit, input => SaveOutcome.AttemptAsync(async () =>
                {
                    var count = await Assignment.AssignLeadsAsync(ids, input.ManagerId, input.Reason!.Value, input.Comment);
                    Snackbar.Add(count == 1 ? L["Лид назначен, ответственный получил уведомление"] : $"{L["Назначено лидов"]}: {count}", Severity.Success);
                }, L)
            },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            _selected.Clear();
            await RefreshAsync();
        }
    }

    private async Task RedistributeAsync(WorkloadRow manager)
    {
        var dialog = await Dialogs.ShowAsync<RedistributeDialog>(L["Передать всю работу"], new DialogParameters<RedistributeDialog>
        {
            { x => x.Manager, manager },
            { x => x.Submit, input => SaveOutcome.AttemptAsync(async () =>
                {
                    var (leads, deals, clients) = await Assignment.RedistributeAsync(manager.ManagerId, input.Reason!.Value, input.Comment);
                    Snackbar.Add($"{L["Передано"]}: {L["лидов"]} {leads}, {L["сделок"]} {deals}, {L["клиентов"]} {clients}", Severity.Success);
                }, L)
            },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false }) await RefreshAsync();
    }

    private async Task NewLeadAsync()
    {
        if (await Create.LeadAsync() is { } id) Go(id: id.ToString(CultureInfo.InvariantCulture));
        await RefreshAsync();
    }

    private async Task ImportAsync()
    {
        var dialog = await Dialogs.ShowAsync<ImportDialog>(L["Импорт лидов"], new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false }) await RefreshAsync();
    }

    // ---------------------------------------------------------------- display

    private bool IsOpen(LeadRow row) => row.Status is LeadStatus.New or LeadStatus.InWork;

    private double Waiting(LeadRow row) => _calendar?.MinutesBetween(row.CreatedAt, _now, row.TeamId) ?? 0;

    private string ProductName(string? code) => code is null ? "—" : _products.FirstOrDefault(p => p.Code == code)?.Name ?? code;

    private string Minutes(double minutes) => minutes switch
    {
        < 60 => $"{minutes.ToString("0.#", CultureInfo.CurrentCulture)} {L["раб. мин"]}",
        < 60 * 24 => $"{(minutes / 60).ToString("0.#", CultureInfo.CurrentCulture)} {L["раб. ч"]}",
        _ => $"{(minutes / Math.Max(60, _calendar?.DayMinutes() ?? 600)).ToString("0.#", CultureInfo.CurrentCulture)} {L["раб. дн."]}",
    };

    private static string Share(double? share) => share is { } s ? Fmt.Percent((int)Math.Round(s * 100)) : "—";

    private static Color StatusColor(LeadStatus status) => status switch
    {
        LeadStatus.New => Color.Warning,
        LeadStatus.InWork => Color.Primary,
        LeadStatus.Qualified => Color.Success,
        _ => Color.Default,
    };

    public void Dispose()
    {
        _live?.Dispose();
        _workloadLive?.Dispose();
    }
}
