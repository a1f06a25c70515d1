using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// Another team's client reached through its INN: a known INN never reveals the client, never attaches anything
/// to it and never moves it; the lead goes to the client's owner, who is told, and the user learns only that it is served.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class ClientReachControls : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;
    private int _m5;
    private (int Id, string Inn, string Name) _foreign;

    public async ValueTask InitializeAsync()
    {
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());
        _m5 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m5@demo.salescrm").Select(m => m.Id).SingleAsync());
        var client = await H.QueryAsync(db => db.Clients.Where(c => c.OwnerId == _m5 && c.Inn != null && c.Inn.Length == 10).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Inn, c.Name }).FirstAsync());
        _foreign = (client.Id, client.Inn!, client.Name);
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private async Task<int> OwnLeadAsync()
    {
        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var created = await H.Get<LeadIntakeService>().SubmitAsync(
            new LeadSubmission("ООО «Новое имя»", null, "Сергей", "+7 495 303-40-50", null, null, null, "Москва", null, null, null),
            new IntakeSource(null, "Тест", m1.ManagerId, LeadChannel.Phone), null);
        var id = created.LeadId!.Value;
        await H.QueryAsync(async db =>
        {
            var lead = await db.Leads.SingleAsync(l => l.Id == id);
            if (lead.AssigneeId != m1.ManagerId) lead.AssignTo(m1.ManagerId, AssignmentReason.Other, "тест", null, null, H.Time.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });
        return id;
    }

    [Fact]
    public async Task QualifyingWithAForeignInnHandsTheLeadToTheOwnerAndShowsNothing()
    {
        var leadId = await OwnLeadAsync();
        var product = await H.QueryAsync(db => db.Products.Where(p => p.IsActive).Select(p => p.Id).FirstAsync());
        var contacts = await H.QueryAsync(db => db.Contacts.CountAsync(c => c.ClientId == _foreign.Id));
        var deals = await H.QueryAsync(db => db.Deals.CountAsync(d => d.ClientId == _foreign.Id));
        var error = await Assert.ThrowsAsync<DomainException>(() => H.Get<LeadService>().QualifyAsync(leadId,
            new QualifyInput(product, 500_000_00, H.Time.GetUtcNow().UtcDateTime.AddMonths(2), "ООО «Новое имя»", _foreign.Inn, "IT", "Москва",
                SalesCrm.Domain.Clients.ClientSegment.Small, "Позвонить ЛПР", H.Time.GetUtcNow().UtcDateTime.AddDays(2))));
        Assert.Equal(LeadHandedOver.Message, error.Message);
        Assert.DoesNotContain(_foreign.Name, error.Message);
        Assert.Equal(contacts, await H.QueryAsync(db => db.Contacts.CountAsync(c => c.ClientId == _foreign.Id)));
        Assert.Equal(deals, await H.QueryAsync(db => db.Deals.CountAsync(d => d.ClientId == _foreign.Id)));
        var lead = await H.QueryAsync(db => db.Leads.AsNoTracking().SingleAsync(l => l.Id == leadId));
        Assert.Equal(_m5, lead.AssigneeId);
        Assert.True(lead.IsOpen);
        Assert.Equal(1, await H.QueryAsync(db => db.Notifications.CountAsync(n => n.RecipientId == _m5 && n.Link == $"/leads?id={leadId}")));
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<ClientService>().GetCardAsync(_foreign.Id));
    }

    [Fact]
    public async Task ANewClientWithAForeignInnIsRefusedWithoutNamingIt()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var before = await H.QueryAsync(DatabaseFingerprint.TakeAsync);
        var error = await Assert.ThrowsAsync<DomainException>(() => H.Get<ClientService>().CreateAsync(new ClientInput("ООО «Своя»", _foreign.Inn, null,
            "IT", "Москва", SalesCrm.Domain.Clients.ClientSegment.Small, "+7 495 111-22-33", null, null, 0, false)));
        Assert.Equal("Inn", error.Field);
        Assert.DoesNotContain(_foreign.Name, error.Message);
        Assert.DoesNotContain(_foreign.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Contains("обслуживается", error.Message);
        Assert.Equal(before, await H.QueryAsync(DatabaseFingerprint.TakeAsync));
    }

    [Fact]
    public async Task AForeignClientCannotBeMovedAndALeadWithItsInnIsWrittenAsTheSendersNote()
    {
        var m1Id = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync());
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<AssignmentService>().ReassignClientsAsync([_foreign.Id], m1Id, AssignmentReason.Other, "забираю"));
        Assert.Equal(_m5, await H.QueryAsync(db => db.Clients.Where(c => c.Id == _foreign.Id).Select(c => c.OwnerId).SingleAsync()));

        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var result = await H.Get<LeadIntakeService>().SubmitAsync(
            new LeadSubmission("ООО «Другое имя»", _foreign.Inn, "Ирина", null, null, null, null, "Москва", null, "Хочу КАСКО", null),
            new IntakeSource(null, m1.FullName, m1.ManagerId, LeadChannel.Phone), null);
        Assert.Equal(IntakeOutcome.ExistingClient, result.Outcome);
        var note = await H.QueryAsync(db => db.Activities.Where(a => a.ClientId == _foreign.Id).OrderByDescending(a => a.Id).FirstAsync());
        Assert.Equal(m1.ManagerId, note.AuthorId);
        Assert.Contains(m1.FullName, note.Comment);
        Assert.True(await H.QueryAsync(db => db.Notifications.AnyAsync(n => n.RecipientId == _m5 && n.Kind == NotificationKind.Assignment)));
    }
}
