using SalesCrm.Web.Resources;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Shared;
using SalesCrm.Web.Live;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Pages.Dashboard;

/// <summary>
/// The team dashboard. Scope, period and quick filters live in the URL. It subscribes to every deal change
/// after the first render and re-queries (coalesced) — nothing polls.
/// </summary>
public sealed partial class DashboardPage
{
    private DashboardData? _data;
    private IReadOnlyList<TeamOption> _scopes = [];
    private IReadOnlyList<StageInfo> _stages = [];
    private string? _denied;
    private string? _error;
    private DateRange? _range;
    private LiveRefresh? _live;

    [Inject] private DashboardService Dashboard { get; set; } = default!;
    [Inject] private LookupService Lookups { get; set; } = default!;
    [Inject] private LiveNotifier Live { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private CrmOptions Options { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "team")] public string? Team { get; set; }
    [SupplyParameterFromQuery(Name = "period")] public string? PeriodParam { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }
    [SupplyParameterFromQuery(Name = "filters")] public string? Filters { get; set; }

    private string PeriodKey => PeriodParam is "quarter" or "custom" ? PeriodParam : "month";

    private string TeamKey => Team ?? _data?.Scope.TeamId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all";

    private AttentionFilter Filter =>
        (Filters ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Aggregate(AttentionFilter.None, (f, s) => Enum.TryParse<AttentionFilter>(s, out var v) ? f | v : f);

    private IEnumerable<(AttentionFilter, string)> AttentionLabels => Texts.AttentionFlags.Select(f => (f, Texts.Attention(L, f, Options.Thresholds)));

    /// <summary>The whole list behind a dashboard list: /deals with the same filter and team, paged and exportable.</summary>
    private string DealsLink(string filter) => $"/deals?{filter}" + (_data?.Scope.TeamId is { } team ? $"&team={team}" : "");

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _scopes = await Dashboard.ScopesAsync();
            _stages = await Lookups.StagesAsync();
        }
        catch (AccessDeniedException ex)
        {
            _denied = L.For(ex);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_denied is null) await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender || _denied is not null) return;
        // Only the changes of the scope shown: a team's dashboard does not hear another team's deals.
        _live = LiveRefresh.Start(Live, LiveNotifier.Scope(_data?.Scope.OwnerIds), InvokeAsync, async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    private async Task LoadAsync()
    {
        try
        {
            // No team in the URL: the team lead's own team, the head's whole department.
            int? team = Team is null or "all" ? null : QueryValue.Int(Team); // not a number: the default scope, as any page
            _data = await Dashboard.LoadAsync(team, Period(), Filter);
            _error = null;
            _live?.Follow(LiveNotifier.Scope(_data.Scope.OwnerIds));
        }
        catch (AccessDeniedException ex)
        {
            _denied = L.For(ex);
        }
        catch (Exception ex) when (ex is DomainException or FormatException or NotFoundException)
        {
            _error = L.For(ex);
        }
    }

    private ReportingPeriod Period()
    {
        var zone = Options.TimeZone;
        var now = Time.GetUtcNow().UtcDateTime;
        if (PeriodKey == "custom" && DateOnly.TryParse(From, System.Globalization.CultureInfo.InvariantCulture, out var from)
            && DateOnly.TryParse(To, System.Globalization.CultureInfo.InvariantCulture, out var to))
        {
            _range = new DateRange(from.ToDateTime(TimeOnly.MinValue), to.ToDateTime(TimeOnly.MinValue));
            return ReportingPeriod.Custom(from, to, zone);
        }
        return ReportingPeriod.Containing(PeriodKey == "quarter" ? PeriodKind.Quarter : PeriodKind.Month, now, zone);
    }

    private void Go(string? team = null, string? period = null, string? filters = null, string? from = null, string? to = null) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["team"] = team ?? Team,
            ["period"] = period ?? PeriodParam,
            ["from"] = from ?? From,
            ["to"] = to ?? To,
            ["filters"] = filters is null ? Filters : filters.Length == 0 ? null : filters,
        }), new NavigationOptions { ReplaceHistoryEntry = true });

    private void Toggle(AttentionFilter flag) =>
        Go(filters: string.Join(',', Enum.GetValues<AttentionFilter>().Where(f => f != AttentionFilter.None && (Filter ^ flag).HasFlag(f))));

    private void OnRange(DateRange? range)
    {
        if (range?.Start is not { } start || range.End is not { } end) return;
        Go(period: "custom", from: DateOnly.FromDateTime(start).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            to: DateOnly.FromDateTime(end).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task ReviveAsync((int DealId, string Title, string Owner) deal)
    {
        await Dialogs.ShowAsync<ReviveDialog>(L["Реанимировать сделку"], new DialogParameters<ReviveDialog>
        {
            { x => x.DealTitle, deal.Title },
            { x => x.OwnerName, deal.Owner },
            { x => x.DefaultDate, Fmt.Local(Time.GetUtcNow().UtcDateTime).Date.AddDays(1) },
            { x => x.Submit, input => SaveOutcome.AttemptAsync(async () =>
                {
                    await Dashboard.ReviveAsync(deal.DealId, Inputs.Moment(input.Date, input.Time, "DueAt", "срок"), input.Comment);
                    Snackbar.Add(L["Задача поставлена ответственному"], Severity.Success);
                }, L)
            },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
    }

    private async Task JoinAsync((int DealId, string Title, string Owner) deal)
    {
        await Snackbar.TryAsync(L, async () =>
        {
            await Dashboard.JoinAsync(deal.DealId, Time.GetUtcNow().UtcDateTime.AddDays(1));
            Snackbar.Add(L["Вы подключились к сделке — задача в вашем списке"], Severity.Success);
        });
    }

    private static string Pct(double? share) => share is { } s ? (s * 100).ToString("0", System.Globalization.CultureInfo.CurrentCulture) + "\u00A0%" : "—";

    /// <summary>The change in points when the two cohorts compare (<see cref="PeriodComparison"/>); a dash with the reason when not.</summary>
    private MarkupString Delta(FunnelStage f)
    {
        if (f.ChangePoints is not { } d)
            return f.Stage.IsClosed() ? new MarkupString("")
                : new MarkupString($"<span class=\"delta flat\" title=\"{System.Net.WebUtility.HtmlEncode(L["мало сделок для сравнения: нужно от {0} в каждом периоде", PeriodComparison.MinimumCohort])}\">—</span>");
        if (Math.Abs(d) < 0.5) return new MarkupString("<span class=\"delta flat\">=</span>");
        var cls = d > 0 ? "up" : "down";
        var arrow = d > 0 ? "▲" : "▼";
        return new MarkupString($"<span class=\"delta {cls}\">{arrow}{Math.Abs(d):0}</span>");
    }

    public void Dispose() => _live?.Dispose();
}
