using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Prevention: a client without a phone or e-mail and a deal without its next step are refused on save — from the client
/// card and from lead qualification alike — with a Russian message on the field and nothing written; switched off by
/// Crm:Quality:EnforceOnSave.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class SaveRulesEnforcement : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private DateTime Now => H.Time.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task AClientWithoutPhoneOrEmailIsRefusedOnCreateAndUpdate()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var clients = H.Get<ClientService>();
        var before = await H.QueryAsync(db => db.Clients.CountAsync());
        var error = await Assert.ThrowsAsync<DomainException>(() => clients.CreateAsync(
            new ClientInput("ООО «Без связи»", "7736050003", null, "IT", "Москва", ClientSegment.Small, null, " ", null, 0, false)));
        Assert.Equal("Phone", error.Field);
        Assert.Contains("телефон или e-mail", error.Message);
        Assert.Equal(before, await H.QueryAsync(db => db.Clients.CountAsync()));

        var id = await clients.CreateAsync(new ClientInput("ООО «На связи»", "7736050003", null, "IT", "Москва", ClientSegment.Small, null,
            "office@nasvyazi.ru", null, 0, false));
        var card = await clients.GetCardAsync(id);
        await Assert.ThrowsAsync<DomainException>(() => clients.UpdateAsync(id, card.Version,
            new ClientInput("ООО «На связи»", "7736050003", null, "IT", "Москва", ClientSegment.Small, null, null, null, 0, false)));
        Assert.Equal("office@nasvyazi.ru", (await clients.GetCardAsync(id)).Email);
    }

    [Fact]
    public async Task ADealWithoutItsNextStepIsRefusedAndWithItStartsWithTheTask()
    {
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var clientId = await H.QueryAsync(db => db.Clients.Where(c => c.OwnerId == me.ManagerId).Select(c => c.Id).FirstAsync());
        var product = await H.QueryAsync(db => db.Products.Where(p => p.IsActive).Select(p => p.Id).FirstAsync());
        var deals = H.Get<DealService>();
        var before = await H.QueryAsync(db => db.Deals.CountAsync());

        var none = await Assert.ThrowsAsync<DomainException>(() => deals.CreateAsync(clientId, product, 100_000_00, Now.AddMonths(1), null));
        Assert.Equal("NextStep", none.Field);
        var past = await Assert.ThrowsAsync<DomainException>(() => deals.CreateAsync(clientId, product, 100_000_00, Now.AddMonths(1), null, "Позвонить", Now.AddHours(-1)));
        Assert.Equal("NextStepDue", past.Field);
        Assert.Equal(before, await H.QueryAsync(db => db.Deals.CountAsync()));

        var id = await deals.CreateAsync(clientId, product, 100_000_00, Now.AddMonths(1), null, "Позвонить ЛПР", Now.AddDays(1));
        var task = await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.DealId == id));
        Assert.Equal(("Позвонить ЛПР", TaskState.Open, me.ManagerId), (task.Title, task.Status, task.AssigneeId));
        Assert.NotNull((await deals.GetCardAsync(id)).NextStep);
    }

    [Fact]
    public async Task QualifyingALeadChecksTheSameRulesAndWritesNothingWhenRefused()
    {
        var intake = await H.Get<LeadIntakeService>().SubmitAsync(
            new LeadSubmission("ООО «Только ИНН»", Inn.Complete("771234567"), "Сидоров Олег", null, null, null, null, "Москва", null, null, null),
            new IntakeSource(null, "Тест", null, LeadChannel.Website), null);
        var leadId = intake.LeadId!.Value;
        var owner = await H.QueryAsync(db => db.Managers.Where(m => m.Id == intake.AssignedTo).Select(m => m.Email).SingleAsync());
        await H.User.SignInAsAsync(owner);
        var product = await H.QueryAsync(db => db.Products.Where(p => p.IsActive).Select(p => p.Id).FirstAsync());
        var leads = H.Get<LeadService>();
        var counts = await H.QueryAsync(async db => (await db.Clients.CountAsync(), await db.Deals.CountAsync()));
        QualifyInput Input(string? step, string? phone) => new(product, 200_000_00, Now.AddMonths(2), null, null, "Производство", null, ClientSegment.Medium,
            step, step is null ? null : Now.AddDays(1), phone);

        Assert.Equal("NextStep", (await Assert.ThrowsAsync<DomainException>(() => leads.QualifyAsync(leadId, Input(null, "+7 495 111-22-33")))).Field);
        Assert.Equal("Phone", (await Assert.ThrowsAsync<DomainException>(() => leads.QualifyAsync(leadId, Input("Позвонить", null)))).Field);
        Assert.Equal(counts, await H.QueryAsync(async db => (await db.Clients.CountAsync(), await db.Deals.CountAsync())));
        Assert.Equal(LeadStatus.New, await H.QueryAsync(db => db.Leads.Where(l => l.Id == leadId).Select(l => l.Status).SingleAsync()));

        var dealId = await leads.QualifyAsync(leadId, Input("Позвонить ЛПР", "+7 495 111-22-33"));
        Assert.Equal("Позвонить ЛПР", await H.QueryAsync(db => db.Tasks.Where(t => t.DealId == dealId).Select(t => t.Title).SingleAsync()));
        var client = await H.QueryAsync(db => db.Deals.Where(d => d.Id == dealId).Select(d => d.Client!).SingleAsync());
        Assert.Equal("+7 495 111-22-33", client.Phone);
    }

    [Fact]
    public async Task WithEnforcementOffTheNextStepIsOptional()
    {
        await using var loose = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync(),
            settings: new Dictionary<string, string?> { ["Crm:Quality:EnforceOnSave"] = "false" });
        var me = await loose.User.SignInAsAsync("m1@demo.salescrm");
        var clientId = await loose.QueryAsync(db => db.Clients.Where(c => c.OwnerId == me.ManagerId).Select(c => c.Id).FirstAsync());
        var product = await loose.QueryAsync(db => db.Products.Where(p => p.IsActive).Select(p => p.Id).FirstAsync());
        var id = await loose.Get<DealService>().CreateAsync(clientId, product, 100_000_00, loose.Time.GetUtcNow().UtcDateTime.AddMonths(1), null);
        Assert.False(await loose.QueryAsync(db => db.Tasks.AnyAsync(t => t.DealId == id)));
    }
}
