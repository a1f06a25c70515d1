using SalesCrm.Web.Resources;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Pipeline;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Pages.Deals;
using SalesCrm.Web.Components.Pages.Deals.Dialogs;
using SalesCrm.Web.Components.Shared;
using SalesCrm.Web.Live;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Pages.Pipeline;

/// <summary>
/// The pipeline board. Filters live in the URL; cards move by drag and drop or by the card's menu under the
/// deal card's rules (same service); the board re-queries live on every deal change without losing the
/// viewer's scroll, filters or open dialog.
/// </summary>
public sealed partial class PipelinePage
{
    private PipelineBoardData? _data;
    private IReadOnlyList<StageInfo> _allStages = [];
    private IReadOnlyList<StageInfo> _stages = [];
    private IReadOnlyList<ProductInfo> _products = [];
    private readonly HashSet<int> _pending = [];
    private readonly Dictionary<int, string> _refused = [];
    private KanbanCard? _dragged;
    private StageCode? _dropTarget;
    private bool _panelOpen;
    private int? _panelDeal;
    private string? _denied;
    private LiveRefresh? _live;

    [Inject] private PipelineService Pipeline { get; set; } = default!;
    [Inject] private DealService Deals { get; set; } = default!;
    [Inject] private LookupService Lookups { get; set; } = default!;
    [Inject] private QuickCreate Create { get; set; } = default!;
    [Inject] private Data.Leads.AssignmentService Assignment { get; set; } = default!;
    [Inject] private IUserContext Users { get; set; } = default!;
    [Inject] private LiveNotifier Live { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "team")] public string? Team { get; set; }
    [SupplyParameterFromQuery(Name = "owner")] public string? OwnerText { get; set; }
    private int? Owner => Shared.QueryValue.Int(OwnerText);
    [SupplyParameterFromQuery(Name = "product")] public string? ProductText { get; set; }
    private int? Product => Shared.QueryValue.Int(ProductText);
    [SupplyParameterFromQuery(Name = "signal")] public string? Signal { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Q { get; set; }
    [SupplyParameterFromQuery(Name = "cards")] public string? CardsText { get; set; }

    private DealSignal SignalFilter => Filter.Signal;

    /// <summary>The board's filters from its address, read the same way by the page and by its Excel export.</summary>
    public static PipelineFilter Read(Func<string, string?> get) => new()
    {
        TeamId = QueryValue.Int(get("team")),
        OwnerId = QueryValue.Int(get("owner")),
        ProductId = QueryValue.Int(get("product")),
        Signal = Enum.TryParse<DealSignal>(get("signal"), out var s) && Enum.IsDefined(s) ? s : DealSignal.None,
        Text = get("q") is { Length: > 0 } q ? q : null,
        Cards = QueryValue.Int(get("cards")) is { } cards ? Math.Clamp(cards, 1, PipelineService.MaxCardsPerColumn) : PipelineService.CardsPerColumn,
    };

    /// <summary>The next page of cards: twice as many in every column, up to the most a board loads.</summary>
    private void MoreCards() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("cards",
        Math.Min(Filter.Cards * 2, PipelineService.MaxCardsPerColumn)), new NavigationOptions { ReplaceHistoryEntry = true });

    /// <summary>
    /// The changes this board shows: one owner's, a team's members', or (the head's whole department) every deal's — a
    /// move in another team does not make this board query.
    /// </summary>
    private IReadOnlyList<string> LiveTopics => Topics(Filter, _data);

    /// <summary>What a board hears: one owner's deals, the shown team's members', or (the whole department) every deal.</summary>
    public static IReadOnlyList<string> Topics(PipelineFilter filter, PipelineBoardData? data) => filter.OwnerId is { } owner ? LiveNotifier.Scope([owner])
        : data is null || (data.TeamId is null && data.Teams.Count > 0) ? [LiveNotifier.AllDeals]
        : LiveNotifier.Scope([.. data.Owners.Select(m => m.Id)]);

    private PipelineFilter Filter => Read(key => key switch
    {
        "team" => Team, "owner" => OwnerText, "product" => ProductText, "signal" => Signal, "q" => Q, "cards" => CardsText, _ => null,
    });

    private string ExportUrl => Navigation.GetUriWithQueryParameters("/export/pipeline.xlsx", new Dictionary<string, object?>
    {
        ["team"] = Team, ["owner"] = OwnerText, ["product"] = ProductText, ["signal"] = Signal, ["q"] = Q,
    });

    protected override async Task OnInitializedAsync()
    {
        _allStages = await Lookups.StagesAsync();
        _stages = _allStages.Where(s => !s.Code.IsClosed()).ToList();
        _products = await Lookups.ProductsAsync();
        _canAssign = (await Users.FindAsync())?.CanAssign == true;
    }

    private bool _canAssign;

    protected override Task OnParametersSetAsync() => LoadAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender || _denied is not null) return;
        _live = LiveRefresh.Start(Live, LiveTopics, InvokeAsync, async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    private async Task LoadAsync()
    {
        try
        {
            _data = await Pipeline.LoadAsync(Filter);
            _live?.Follow(LiveTopics);
        }
        catch (AccessDeniedException ex)
        {
            _denied = L.For(ex);
        }
    }

    private static ICollection<KanbanCard> Cards(KanbanColumn column) => column.Cards as ICollection<KanbanCard> ?? [.. column.Cards];

    private void Go(string? team = null, string? owner = null, string? product = null, string? signal = null, string? q = null) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["team"] = Pick(team, Team),
            ["owner"] = Pick(owner, Owner?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ["product"] = Pick(product, Product?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ["signal"] = Pick(signal, Signal),
            ["q"] = Pick(q, Q),
        }), new NavigationOptions { ReplaceHistoryEntry = true });

    private static string? Pick(string? changed, string? current) =>
        changed is null ? (string.IsNullOrEmpty(current) ? null : current) : (changed.Length == 0 ? null : changed);

    private Task DropAsync(StageCode target)
    {
        var card = _dragged;
        _dragged = null;
        _dropTarget = null;
        return card is null ? Task.CompletedTask : MoveAsync(card, target);
    }

    /// <summary>The same flow as the deal card's stage buttons (<see cref="StageMoveFlow"/>).</summary>
    private async Task MoveAsync(KanbanCard card, StageCode target)
    {
        if (target == card.Stage) return;
        var outcome = await new StageMoveFlow(Dialogs, L, Time, Deals).RunAsync(new StageMoveFlow.Deal(card.DealId, card.HasProposal, card.PremiumKopecks),
            target, Texts.StageName(L, target, _allStages), (change, inDialog, done) => SaveMoveAsync(card, target, change, optimistic: !inDialog, done));
        if (outcome?.Error is { } error) Snackbar.Add(error, Severity.Warning);
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    private async Task HandOverAsync(KanbanCard card)
    {
        if (await HandOverButton.AskAsync(Dialogs, Assignment, Snackbar, L, Domain.Leads.AssignmentSubject.Deal, card.DealId, card.OwnerId)) await ReloadAsync();
    }

    /// <summary>
    /// Moves the card at once (optimistic) when nothing has to be asked, then saves with the version the board
    /// showed. A refusal puts the card back with the reason on it; a conflict shows the current values.
    /// </summary>
    private async Task<SaveOutcome> SaveMoveAsync(KanbanCard card, StageCode target, Func<int, Task<DealCard>> change, bool optimistic,
        string done, int? version = null)
    {
        if (optimistic) MoveLocally(card, target);
        _pending.Add(card.DealId);
        _refused.Remove(card.DealId);
        StateHasChanged();
        try
        {
            var saved = false;
            var outcome = await SaveOutcome.AttemptAsync(async () =>
            {
                await change(version ?? card.Version);
                saved = true;
            }, L, async conflict =>
                conflict.Current is DealCard current && await ConflictDialog.AskAsync(Dialogs, L, current, conflict.Changes)
                    ? await SaveMoveAsync(card, target, change, optimistic, done, current.Version) // that save says how it went
                    : SaveOutcome.Dropped);
            if (saved) Snackbar.Add(done, Severity.Success);
            // A dialog shows a refusal on its field; a direct move shows it on the card that went back.
            else if (optimistic && outcome.Error is { } error) _refused[card.DealId] = error;
            return outcome;
        }
        finally
        {
            _pending.Remove(card.DealId);
            await LoadAsync(); // the board as it is now: moved, or the card back where it was
            StateHasChanged();
        }
    }

    private void MoveLocally(KanbanCard card, StageCode target)
    {
        if (_data is null) return;
        var moved = card with { Stage = target };
        _data = _data with
        {
            Columns = _data.Columns.Select(c =>
                c.Stage == card.Stage ? c with { Cards = c.Cards.Where(x => x.DealId != card.DealId).ToList() }
                : c.Stage == target ? c with { Cards = [moved, .. c.Cards] }
                : c).ToList(),
        };
    }

    private Task LogAsync(KanbanCard card) => Dialogs.ShowAsync<ActivityDialog>(L["Новая активность"], new DialogParameters<ActivityDialog>
    {
        { x => x.NowLocal, Fmt.Local(Time.GetUtcNow().UtcDateTime) },
        { x => x.Submit, input => QuickAsync(() => Deals.LogActivityAsync(card.DealId, new ActivityInput(input.Kind,
            Inputs.Moment(input.Date, input.Time, "OccurredAt", "дату"), input.Direction, input.Minutes, input.Outcome, input.Comment, input.Tags)),
            L["Активность добавлена"]) },
    }, Options());

    private async Task NextStepAsync(KanbanCard card)
    {
        if (await Create.NextStepAsync(card.DealId, card.NextStepTitle, card.NextStepDueAt)) await ReloadAsync();
    }

    /// <summary>A quick action from a card's menu, through the one save path of dialogs.</summary>
    private async Task<SaveOutcome> QuickAsync(Func<Task<DealCard>> action, string done)
    {
        var outcome = await SaveOutcome.AttemptAsync(action, L);
        if (outcome.Saved) Snackbar.Add(done, Severity.Success);
        return outcome;
    }

    private void Open(KanbanCard card)
    {
        _panelDeal = card.DealId;
        _panelOpen = true;
    }

    private static DialogOptions Options() => StageMoveFlow.Options;

    public void Dispose() => _live?.Dispose();
}
