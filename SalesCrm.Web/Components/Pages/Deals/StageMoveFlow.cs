using Microsoft.Extensions.Localization;
using MudBlazor;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Pages.Deals.Dialogs;
using SalesCrm.Web.Components.Shared;
using SalesCrm.Web.Resources;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Pages.Deals;

/// <summary>
/// Moving a deal to another stage, the same from the deal card and from the pipeline board: first what the move asks
/// (<see cref="StageCodes.Asks"/>) — the reason of a loss, a proposal, the confirmation of a win — then the save. The page
/// passes its own <see cref="Save"/>, which knows the version it showed and where to show a refusal or a conflict.
/// </summary>
public sealed class StageMoveFlow(IDialogService dialogs, IStringLocalizer<SharedResource> l, TimeProvider time, DealService deals)
{
    /// <summary>
    /// A page's save of a change made against a version. <paramref name="inDialog"/>: a dialog is open and shows a refusal on
    /// its field; otherwise the page shows it, and may show the move at once (the board moves the card before the server
    /// answers). <paramref name="done"/> is the message of success.
    /// </summary>
    public delegate Task<SaveOutcome> Save(Func<int, Task<DealCard>> change, bool inDialog, string done);

    /// <summary>The deal as the page shows it: what the move needs from it.</summary>
    public sealed record Deal(int Id, bool HasProposal, long PremiumKopecks);

    /// <summary>Asks what the move needs, then saves it. Null when a dialog took the save (it shows the outcome) or the user
    /// declined.</summary>
    public async Task<SaveOutcome?> RunAsync(Deal deal, StageCode target, string targetName, Save save)
    {
        switch (target.Asks(deal.HasProposal))
        {
            case StageMoveAsks.LossReason:
                await dialogs.ShowAsync<LostDialog>(l["Сделка проиграна"], new DialogParameters<LostDialog>
                {
                    { x => x.Submit, input => save(v => deals.MoveStageAsync(deal.Id, v, StageCode.Lost, input.Reason, input.Comment), inDialog: true,
                        l["Сделка отмечена проигранной"]) },
                }, Options);
                return null;
            case StageMoveAsks.Proposal:
                await dialogs.ShowAsync<ProposalDialog>(l["Коммерческое предложение"], new DialogParameters<ProposalDialog>
                {
                    { x => x.Title, l["КП для перевода на этап"] + " «" + targetName + "»" },
                    { x => x.ThenSend, true },
                    { x => x.Premium, Fmt.Rubles(deal.PremiumKopecks) },
                    { x => x.ValidUntil, Fmt.Local(time.GetUtcNow().UtcDateTime).Date.AddDays(14) },
                    { x => x.Submit, input => save(v => deals.MoveStageAsync(deal.Id, v, target,
                        proposal: new ProposalInput(Inputs.Date(input.ValidUntil, "ValidUntil", "срок действия КП"),
                            Inputs.Kopecks(input.Premium, "ProposalPremium", "премию КП"))), inDialog: true, l["Этап изменён"]) },
                }, Options);
                return null;
            case StageMoveAsks.WinConfirmation:
                var sure = await dialogs.ShowMessageBoxAsync(l["Сделка выиграна?"],
                    l["Сделка будет закрыта как выигранная, премия войдёт в выполнение плана."], yesText: l["Да, выиграна"], cancelText: l["Отмена"]);
                if (sure != true) return null;
                break;
        }
        return await save(v => deals.MoveStageAsync(deal.Id, v, target), inDialog: false, l["Этап изменён"]);
    }

    public static DialogOptions Options => new() { MaxWidth = MaxWidth.Small, FullWidth = true };
}
