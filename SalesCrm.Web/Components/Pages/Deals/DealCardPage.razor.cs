using SalesCrm.Web.Resources;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Pages.Deals.Dialogs;
using SalesCrm.Web.Components.Shared;
using SalesCrm.Web.Live;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Pages.Deals;

/// <summary>
/// The deal card. Every change goes through <see cref="DealService"/> with the version the user saw;
/// a conflict shows the current values and offers to re-apply. Re-renders live when anyone changes the deal.
/// </summary>
public sealed partial class DealCardPage
{
    private DealCard? _card;
    private string? _denied;
    private bool _notFound;
    private bool _busy;
    private IDisposable? _subscription;
    private int _subscribedId;

    [Parameter] public int Id { get; set; }

    /// <summary>One column, no breadcrumbs: the card inside the pipeline board's side panel.</summary>
    [Parameter] public bool Compact { get; set; }

    [Inject] private DealService Deals { get; set; } = default!;
    [Inject] private SalesCrm.Data.Engagement.CallScriptService Scripts { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private LiveNotifier Live { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private List<BreadcrumbItem> Crumbs =>
        [new(L["Сделки"], "/deals"), new($"№ {Id}", null, disabled: true)];

    protected override async Task OnParametersSetAsync()
    {
        _card = null;
        _denied = null;
        _notFound = false;
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (_subscribedId == Id || _card is null) return;
        _subscription?.Dispose();
        _subscribedId = Id;
        _subscription = Live.Subscribe(LiveNotifier.Deal(Id), _ => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
    }

    private async Task LoadAsync()
    {
        try
        {
            Show(await Deals.GetCardAsync(Id));
        }
        catch (AccessDeniedException ex)
        {
            _denied = L.For(ex);
        }
        catch (NotFoundException)
        {
            _notFound = true;
        }
    }

    /// <summary>Shows a card unless an older version arrives late (a live reload racing the user's own save).</summary>
    private void Show(DealCard card)
    {
        if (_card is not null && _card.Id == card.Id && card.Version < _card.Version) return;
        _card = card;
    }

    /// <summary>
    /// Runs a change against the version the user saw: <paramref name="seenVersion"/> when the change was typed
    /// into a dialog opened earlier (the card behind it may have been refreshed live since), otherwise the card's.
    /// Handles refusals and conflicts.
    /// </summary>
    private async Task<SaveOutcome> SaveAsync(Func<int, Task<DealCard>> change, string? done = null, int? seenVersion = null)
    {
        _busy = true;
        try
        {
            await Task.Yield(); // the page shows it is busy before a save that waits for a busy database
            var saved = false;
            var outcome = await SaveOutcome.AttemptAsync(async () =>
            {
                Show(await change(seenVersion ?? _card!.Version));
                saved = true;
            }, L, async conflict =>
            {
                if (conflict.Current is not DealCard current) return SaveOutcome.Fail(null, L[conflict.Message]);
                Show(current);
                StateHasChanged();
                // Applied again over the current version: that save says how it went.
                return await ConflictDialog.AskAsync(Dialogs, L, current, conflict.Changes) ? await SaveAsync(change, done, current.Version) : SaveOutcome.Dropped;
            });
            if (saved) Snackbar.Add(done ?? L["Сохранено"], Severity.Success);
            return outcome;
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>A change without a dialog: a refusal is shown as a message.</summary>
    private async Task<SaveOutcome> SaveDirectAsync(Func<int, Task<DealCard>> change, string? done = null, int? seenVersion = null)
    {
        var outcome = await SaveAsync(change, done, seenVersion);
        if (outcome.Error is { } error) Snackbar.Add(error, Severity.Warning);
        return outcome;
    }

    /// <summary>The move from the card's stage buttons: what it asks, then the save against the version the card showed.</summary>
    private async Task MoveAsync(StageMove move)
    {
        if (_card is null) return;
        var seen = _card.Version;
        await new StageMoveFlow(Dialogs, L, Time, Deals).RunAsync(new StageMoveFlow.Deal(Id, _card.Proposal is not null, _card.PremiumKopecks), move.Stage,
            Texts.StageName(L, move.Stage, _card.Stages), (change, inDialog, done) => inDialog
                ? SaveAsync(change, done, seen)
                : SaveDirectAsync(change, done, seen));
    }

    private Task EditTermsAsync()
    {
        var seen = _card!.Version;
        return Dialogs.ShowAsync<TermsDialog>(L["Условия сделки"], new DialogParameters<TermsDialog>
    {
        { x => x.Premium, Fmt.Rubles(_card!.PremiumKopecks) },
        { x => x.ExpectedCloseDate, _card.ExpectedCloseDate },
        { x => x.Probability, _card.Probability },
        { x => x.PremiumLocked, _card.ApprovalState == ApprovalState.Pending },
        { x => x.Submit, input => SaveAsync(async v =>
            {
                var premium = Inputs.Kopecks(input.Premium, "Premium", "премию");
                var close = Inputs.Date(input.ExpectedCloseDate, "ExpectedCloseDate", "ожидаемую дату закрытия");
                return await Deals.UpdateTermsAsync(Id, v, premium, close, input.Probability);
            }, seenVersion: seen) },
    }, Options());
    }

    private Task EditProposalAsync()
    {
        var seen = _card!.Version;
        return Dialogs.ShowAsync<ProposalDialog>(L["Коммерческое предложение"], new DialogParameters<ProposalDialog>
    {
        { x => x.Title, _card!.Proposal is null ? L["Подготовить КП"] : L["Изменить КП"] },
        { x => x.Premium, Fmt.Rubles(_card.Proposal?.PremiumKopecks ?? _card.PremiumKopecks) },
        { x => x.ValidUntil, _card.Proposal?.ValidUntil ?? Fmt.Local(Time.GetUtcNow().UtcDateTime).Date.AddDays(14) },
        { x => x.Submit, input => SaveAsync(v => Deals.PrepareProposalAsync(Id, v,
            Inputs.Date(input.ValidUntil, "ValidUntil", "срок действия КП"), Inputs.Kopecks(input.Premium, "ProposalPremium", "премию КП")),
            seenVersion: seen) },
    }, Options());
    }

    private Task SetNextStepAsync() => Dialogs.ShowAsync<NextStepDialog>(L["Следующий шаг"], new DialogParameters<NextStepDialog>
    {
        { x => x.Title, _card!.NextStep?.Title },
        { x => x.DueLocal, _card.NextStep is { } s ? Fmt.Local(s.DueAt) : Fmt.Local(Time.GetUtcNow().UtcDateTime).Date.AddDays(1).AddHours(10) },
        { x => x.Submit, input => SaveAsync(_ => Deals.SetNextStepAsync(Id, input.Title ?? "",
            Inputs.Moment(input.Date, input.Time, "DueAt", "срок"))) },
    }, Options());

    private Task AfterMeetingAsync()
    {
        var seen = _card!.Version;
        return Dialogs.ShowAsync<AfterMeetingDialog>(L["После встречи"], new DialogParameters<AfterMeetingDialog>
        {
            { x => x.Moves, _card.Moves },
            { x => x.Agreements, _card.Agreements },
            { x => x.Tomorrow, Fmt.Local(Time.GetUtcNow().UtcDateTime).Date.AddDays(1) },
            { x => x.Submit, input => SaveAsync(v => Deals.AfterMeetingAsync(Id, v, new AfterMeetingInput(input.Summary, input.Minutes, input.Agreements, input.Stage, null, null,
                input.Tasks.Select(t => (t.Title, Inputs.Moment(t.Due, TimeSpan.FromHours(10), "FollowUps", "срок задачи"))).ToList())), L["Встреча, договорённости и задачи сохранены"],
                seenVersion: seen) },
        }, Options());
    }

    private Task AskForHelpAsync() => Dialogs.ShowAsync<HelpDialog>(L["Нужна помощь руководителя"], new DialogParameters<HelpDialog>
    {
        { x => x.Submit, input => SaveAsync(_ => Deals.AskForHelpAsync(Id, input.Reason, input.Comment), L["Старший менеджер получил запрос"]) },
    }, Options());

    private Task CompleteTaskAsync(int taskId) => SaveDirectAsync(_ => Deals.CompleteTaskAsync(Id, taskId), L["Шаг выполнен — назначьте следующий"]);

    private async Task LogActivityAsync() => await Dialogs.ShowAsync<ActivityDialog>(L["Новая активность"], new DialogParameters<ActivityDialog>
    {
        { x => x.NowLocal, Fmt.Local(Time.GetUtcNow().UtcDateTime) },
        { x => x.Objections, (await Scripts.ForDealAsync(Id))?.Objections.Select(o => o.Objection).ToList() ?? [] },
        { x => x.Submit, input => SaveAsync(_ => Deals.LogActivityAsync(Id, new ActivityInput(input.Kind,
            Inputs.Moment(input.Date, input.Time, "OccurredAt", "дату"), input.Direction, input.Minutes, input.Outcome,
            input.Comment, input.Tags)), L["Активность добавлена"]) },
    }, Options());

    private Task AddCompetitorOfferAsync() => Dialogs.ShowAsync<CompetitorOfferDialog>(L["Предложение конкурента"], new DialogParameters<CompetitorOfferDialog>
    {
        { x => x.Submit, input => SaveAsync(_ => Deals.AddCompetitorOfferAsync(Id, input.Competitor ?? "",
            Inputs.Kopecks(input.Premium, "CompetitorPremium", "премию конкурента"), input.Terms)) },
    }, Options());

    private static DialogOptions Options() => StageMoveFlow.Options;

    private string ExpiryNote(DateTime validUntil)
    {
        var today = Fmt.Local(Time.GetUtcNow().UtcDateTime).Date;
        return ProposalExpiry.DaysLeft(validUntil, today) < 0 ? "(" + L["истекло"] + ")"
            : ProposalExpiry.IsExpiring(validUntil, today, DealRisk.ProposalExpiringDays) ? "(" + L["истекает"] + ")" : "";
    }

    public void Dispose() => _subscription?.Dispose();
}
