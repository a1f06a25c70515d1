using Microsoft.Extensions.Localization;
using MudBlazor;
using SalesCrm.Data.Access;
using SalesCrm.Data.Deals;
using SalesCrm.Web.Resources;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Shared;

public sealed partial class ConflictDialog
{
    /// <summary>
    /// Shows that somebody saved the record first — its values now and what they changed — and asks whether to apply the
    /// user's change over them. Every page that saves with a version opens it through here. True: apply again.
    /// </summary>
    public static async Task<bool> AskAsync(IDialogService dialogs, IStringLocalizer<SharedResource> l, IReadOnlyList<(string Label, string Value)> current,
        IReadOnlyList<ChangeInfo> changes)
    {
        var dialog = await dialogs.ShowAsync<ConflictDialog>(l["Запись уже изменили"], new DialogParameters<ConflictDialog>
        {
            { x => x.Current, current },
            { x => x.Changes, changes },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        return await dialog.Result is { Canceled: false };
    }

    /// <summary>The conflict on a deal, from its card or from the board: the same values either way.</summary>
    public static Task<bool> AskAsync(IDialogService dialogs, IStringLocalizer<SharedResource> l, DealCard current, IReadOnlyList<ChangeInfo> changes) =>
        AskAsync(dialogs, l,
        [
            (l["Этап"], Texts.StageName(l, current.Stage, current.Stages)),
            (l["Премия"], Fmt.Money(current.PremiumKopecks)),
            (l["Вероятность"], Fmt.Percent(current.Probability)),
            (l["Ожидаемое закрытие"], Fmt.Date(current.ExpectedCloseDate)),
            (l["КП действительно до"], current.Proposal is { } p ? Fmt.Date(p.ValidUntil) : "—"),
            (l["Ответственный"], current.Owner.Name),
        ], changes);
}
