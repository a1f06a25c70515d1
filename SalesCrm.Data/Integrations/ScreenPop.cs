using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Interceptors;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Integrations;

/// <summary>What the caller's number says to the employee whose phone rings.</summary>
public enum CallerKind
{
    /// <summary>Nobody in the CRM has the number: after the call it becomes a lead.</summary>
    Unknown,
    /// <summary>A client (or its contact) the employee may see.</summary>
    Client,
    /// <summary>An open lead the employee may see.</summary>
    Lead,
    /// <summary>A client or lead of somebody the employee may not see: only the owner's name is shown.</summary>
    Colleagues,
}

/// <summary>The screen-pop of a call: who calls, their open deal and its next step, and where their card is.</summary>
public sealed record CallerCard(string Number, CallerKind Kind, string? Name = null, string? ContactName = null, string? ContactPosition = null,
    string? OwnerName = null, int? DealId = null, string? Product = null, string? StageName = null, long? PremiumKopecks = null,
    string? NextStep = null, DateTime? NextStepDue = null, bool NextStepOverdue = false, string? Link = null);

/// <summary>
/// The screen-pop: a PBX's leg events (a call from outside ringing an extension, answered there, ended there) go live to the
/// employee with that extension, and the employee's page asks who calls — within what that employee may see.
/// </summary>
public sealed class ScreenPopService(IProviderContextFactory contexts, IUserContext users, IDomainEventPublisher events, TimeProvider time)
{
    /// <summary>
    /// A PBX says the call <paramref name="callId"/> from <paramref name="number"/> reached <paramref name="extension"/>: the
    /// employee with that extension is told; an extension nobody has is ignored. Nothing is stored.
    /// </summary>
    public async Task SignalAsync(string? extension, string callId, string? number, CallLegState state, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(extension) || extension.Length > 20 || string.IsNullOrWhiteSpace(callId) || callId.Length > 100) return;
        int? manager;
        await using (var db = contexts.Create())
            manager = await db.Managers.AsNoTracking().Where(m => m.IsActive && m.Extension == extension.Trim()).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct);
        if (manager is not { } id) return;
        await events.PublishAsync([new CallLegChanged(id, callId, Phone.Normalize(number), state, time.GetUtcNow().UtcDateTime)], ct);
    }

    /// <summary>Who calls from <paramref name="number"/>, as the signed-in employee may see it.</summary>
    public async Task<CallerCard> CallerAsync(string number, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        var normalized = Phone.Normalize(number);
        var shown = normalized is null ? number : "+" + normalized;
        if (normalized is null) return new CallerCard(shown, CallerKind.Unknown);
        await using var db = contexts.Create();
        var match = await Callers.FindAsync(db, normalized, ct);
        if (match.ClientId is { } clientId)
        {
            var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId)
                .Select(c => new { c.Name, Owner = db.Managers.Where(m => m.Id == c.OwnerId).Select(m => m.FullName).First() }).SingleAsync(ct);
            if (!await db.Clients.VisibleTo(user, db).AnyAsync(c => c.Id == clientId, ct))
                return new CallerCard(shown, CallerKind.Colleagues, OwnerName: client.Owner);
            var contact = match.ContactId is { } contactId
                ? await db.Contacts.AsNoTracking().Where(c => c.Id == contactId).Select(c => new { c.FullName, c.Position }).SingleAsync(ct)
                : null;
            var now = time.GetUtcNow().UtcDateTime;
            var deal = await db.Deals.VisibleTo(user, db).AsNoTracking()
                .Where(d => d.ClientId == clientId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
                .OrderByDescending(d => d.OwnerId == user.ManagerId).ThenByDescending(d => d.LastActivityAt)
                .Select(d => new
                {
                    d.Id, d.PremiumKopecks, Product = d.Product!.Name, Stage = db.Stages.Where(s => s.Code == d.Stage).Select(s => s.Name).First(),
                    Step = db.Tasks.OpenSteps().Where(t => t.DealId == d.Id).OrderBy(t => t.DueAt).Select(t => new { t.Title, t.DueAt }).FirstOrDefault(),
                })
                .FirstOrDefaultAsync(ct);
            return new CallerCard(shown, CallerKind.Client, client.Name, contact?.FullName, contact?.Position, client.Owner,
                deal?.Id, deal?.Product, deal?.Stage, deal?.PremiumKopecks, deal?.Step?.Title, deal?.Step?.DueAt, deal?.Step is { } s && s.DueAt < now,
                deal is null ? $"/clients/{clientId}" : $"/deals/{deal.Id}");
        }
        if (match.LeadId is { } leadId)
        {
            var lead = await db.Leads.AsNoTracking().Where(l => l.Id == leadId)
                .Select(l => new { l.CompanyName, l.ContactName, Owner = db.Managers.Where(m => m.Id == l.AssigneeId).Select(m => m.FullName).FirstOrDefault() })
                .SingleAsync(ct);
            return await LeadService.Visible(db, user).AnyAsync(l => l.Id == leadId, ct)
                ? new CallerCard(shown, CallerKind.Lead, lead.CompanyName ?? lead.ContactName, lead.CompanyName is null ? null : lead.ContactName,
                    OwnerName: lead.Owner, Link: $"/leads?id={leadId}")
                : new CallerCard(shown, CallerKind.Colleagues, OwnerName: lead.Owner);
        }
        return new CallerCard(shown, CallerKind.Unknown);
    }
}
