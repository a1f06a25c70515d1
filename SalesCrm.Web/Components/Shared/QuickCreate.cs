using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Leads;
using SalesCrm.Data.Tasks;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Tasks;
using SalesCrm.Web.Components.Pages.Clients.Dialogs;
using SalesCrm.Web.Components.Pages.Leads.Dialogs;
using SalesCrm.Web.Components.Pages.Tasks;
using SalesCrm.Web.Resources;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Shared;

/// <summary>
/// Creating a deal, a task or meeting, a client or a lead from wherever the user is — the app bar's «Создать», the search, the
/// pipeline's columns, the lists, the cards — with one dialog each, so the same record is started the same way everywhere.
/// Each save goes through its service, which checks access and the rules again.
/// </summary>
public sealed class QuickCreate(IDialogService dialogs, NavigationManager navigation, ISnackbar snackbar, IStringLocalizer<SharedResource> l,
    LookupService lookups, DealService deals, TaskService tasks, ClientService clients, LeadService leads, TimeProvider time)
{
    private DateTime Today => Fmt.Local(time.GetUtcNow().UtcDateTime).Date;

    /// <summary>A new deal for <paramref name="clientId"/>, or for a client chosen in the dialog; opens its card.</summary>
    public async Task DealAsync(int? clientId = null)
    {
        var products = await lookups.ProductsAsync();
        var managers = await lookups.VisibleManagersAsync();
        await dialogs.ShowAsync<NewDealDialog>(l["Новая сделка"], new DialogParameters<NewDealDialog>
        {
            { x => x.Products, products },
            { x => x.Managers, managers },
            { x => x.ChooseClient, clientId is null },
            { x => x.DefaultClose, Today.AddMonths(1) },
            { x => x.DefaultNextStep, Today.AddDays(1) },
            { x => x.Submit, input => SaveOutcome.AttemptAsync(async () =>
                {
                    var client = clientId ?? input.ClientId ?? throw new DomainException("Выберите клиента.", "ClientId");
                    if (input.ProductId is null) throw new DomainException("Выберите продукт.", "ProductId");
                    var id = await deals.CreateAsync(client, input.ProductId.Value, Inputs.Kopecks(input.Premium, "Premium", "премию"),
                        Inputs.Date(input.ExpectedCloseDate, "ExpectedCloseDate", "ожидаемую дату закрытия"), input.OwnerId,
                        input.NextStep, Pages.Clients.ClientCardPage.NextStepMoment(input.NextStepDate, input.NextStepTime));
                    navigation.NavigateTo($"/deals/{id}");
                }, l)
            },
        }, Options);
    }

    /// <summary>
    /// A task or meeting, about a deal or client when given (<paramref name="about"/> names it in the dialog), due on
    /// <paramref name="day"/> (local) or tomorrow. True when one was planned.
    /// </summary>
    public async Task<bool> TaskAsync(TaskKind kind = TaskKind.General, int? dealId = null, int? clientId = null, string? about = null, DateTime? day = null)
    {
        var managers = await lookups.VisibleManagersAsync();
        var planned = kind;
        var dialog = await dialogs.ShowAsync<NewTaskDialog>(kind == TaskKind.Meeting ? l["Новая встреча"] : l["Новая задача"], new DialogParameters<NewTaskDialog>
        {
            { x => x.Kind, kind },
            { x => x.About, dealId is null && clientId is null ? null : about ?? "" },
            { x => x.Managers, managers },
            { x => x.DefaultDate, day ?? Today.AddDays(1) },
            { x => x.Submit, input => SaveOutcome.AttemptAsync(async () =>
                {
                    var due = Inputs.Moment(input.Date, input.Time, "DueAt", input.Kind == TaskKind.Meeting ? "дату встречи" : "срок задачи");
                    await tasks.PlanAsync(new TaskPlan(input.Kind, input.Title, due, dealId ?? input.DealId, dealId is null ? clientId ?? input.ClientId : null,
                        input.AssigneeId, input.DurationMinutes, input.Place, input.Comment));
                    planned = input.Kind;
                }, l)
            },
        }, Options);
        if (await dialog.Result is not { Canceled: false }) return false;
        snackbar.Add(planned == TaskKind.Meeting ? l["Встреча запланирована"] : l["Задача поставлена"], Severity.Success);
        return true;
    }

    /// <summary>
    /// The deal's next step set or moved (the board's card, the deal grid): the deal card's own save. True when saved.
    /// </summary>
    public async Task<bool> NextStepAsync(int dealId, string? title, DateTime? dueAt)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var dialog = await dialogs.ShowAsync<Pages.Deals.Dialogs.NextStepDialog>(l["Следующий шаг"], new DialogParameters<Pages.Deals.Dialogs.NextStepDialog>
        {
            { x => x.Title, title },
            { x => x.DueLocal, dueAt is { } due && due > now ? Fmt.Local(due) : Today.AddDays(1).AddHours(10) },
            { x => x.Submit, input => SaveOutcome.AttemptAsync(() => deals.SetNextStepAsync(dealId, input.Title ?? "", Inputs.Moment(input.Date, input.Time, "DueAt", "срок")), l) },
        }, Options);
        if (await dialog.Result is not { Canceled: false }) return false;
        snackbar.Add(l["Следующий шаг назначен"], Severity.Success);
        return true;
    }

    /// <summary>A new client, starting from what was typed in the search; opens its card.</summary>
    public async Task ClientAsync(string? typed = null)
    {
        await dialogs.ShowAsync<ClientDialog>(l["Новый клиент"], new DialogParameters<ClientDialog>
        {
            { x => x.Prefill, QuickFill.Of(typed) },
            { x => x.Submit, input => SaveOutcome.AttemptAsync(async () =>
                {
                    var id = await clients.CreateAsync(input);
                    navigation.NavigateTo($"/clients/{id}");
                }, l)
            },
        }, Options);
    }

    /// <summary>A new lead, starting from what was typed in the search; says what became of it and returns its id.</summary>
    public async Task<int?> LeadAsync(string? typed = null)
    {
        int? created = null;
        var dialog = await dialogs.ShowAsync<NewLeadDialog>(l["Новый лид"], new DialogParameters<NewLeadDialog>
        {
            { x => x.Products, await lookups.ProductsAsync() },
            { x => x.Prefill, QuickFill.Of(typed) },
            { x => x.Submit, input => SaveOutcome.AttemptAsync(async () =>
                {
                    var result = await leads.CreateAsync(input);
                    snackbar.Add(result.Outcome switch
                    {
                        IntakeOutcome.Created when result.AssignedTo is null => l["Лид создан и ждёт в очереди"],
                        IntakeOutcome.Created => l["Лид создан и назначен по правилам"],
                        IntakeOutcome.ExistingLead => l["Такой лид уже есть — отметили повторное обращение"],
                        _ => l["Это действующий клиент — ответственный получил уведомление"],
                    }, result.IsNew ? Severity.Success : Severity.Info);
                    created = result.LeadId;
                }, l)
            },
        }, Options);
        return await dialog.Result is { Canceled: false } ? created : null;
    }

    /// <summary>Opens a lead created away from the inbox in the inbox.</summary>
    public void OpenLead(int id) => navigation.NavigateTo("/leads?view=all&id=" + id.ToString(CultureInfo.InvariantCulture));

    private static DialogOptions Options => new() { MaxWidth = MaxWidth.Small, FullWidth = true };
}
