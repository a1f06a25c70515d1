using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Integrations;

/// <summary>Where a conversation is answered from: a deal's card or a lead's panel.</summary>
public enum ConversationSubject
{
    Deal = 1,
    Lead = 2,
}

/// <summary>A chat a card can answer in, and how the manager's last answers are doing.</summary>
public sealed record ChatInfo(MessageChannel Channel, string Display, DateTime LastMessageAt, IReadOnlyList<OutboundInfo> Recent);

/// <summary>A manager's answer on its way: sent, waiting for a retry (with the reason), or failed for good.</summary>
public sealed record OutboundInfo(int Id, DateTime CreatedAt, string Body, OutboundStatus Status, int Attempts, string? LastError, DateTime NextAttemptAt);

/// <summary>Where a client's message lands: the person who owns it, and the deal, client or lead whose timeline shows it.</summary>
public sealed record MessageTarget(int OwnerId, int? DealId, int? ClientId, int? LeadId, string Link);

/// <summary>
/// The conversation on a deal or a lead: which chat of the company's bot belongs to it, and a manager's answer, written as an
/// outbound message activity with its outbox entry in one save; <see cref="OutboxSender"/> sends it. Access is the card's:
/// whoever may work the deal or the lead may answer.
/// </summary>
public sealed class Conversations(IProviderContextFactory contexts, IUserContext users, SecurityLog security, TimeProvider time, OutboxSender outbox)
{
    /// <summary>The chat of the deal (its lead's, or its client's) or of the lead; null when the person never wrote to the bot.</summary>
    public async Task<ChatInfo?> ChatAsync(ConversationSubject subject, int id, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = contexts.Create();
        await EnsureVisibleAsync(db, user, subject, id, "open", ct);
        var chat = await FindChatAsync(db, subject, id, ct);
        if (chat is null) return null;
        var activityIds = subject == ConversationSubject.Deal
            ? db.Activities.Where(a => a.DealId == id).Select(a => a.Id)
            : db.Activities.Where(a => a.LeadId == id).Select(a => a.Id);
        var recent = await db.OutboundMessages.AsNoTracking().Where(m => activityIds.Contains(m.ActivityId))
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(5)
            .Select(m => new OutboundInfo(m.Id, m.CreatedAt, m.Body, m.Status, m.Attempts, m.LastError, m.NextAttemptAt)).ToListAsync(ct);
        return new ChatInfo(chat.Channel, chat.Display, chat.LastMessageAt, recent);
    }

    /// <summary>
    /// The manager answers in the chat: an outbound message in the timeline and its sending, in one save. Answering a lead is
    /// contacting it (the speed-to-lead clock stops).
    /// </summary>
    public async Task ReplyAsync(ConversationSubject subject, int id, string text, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) throw new DomainException("Сообщение пустое — напишите текст.", "Text");
        if (text.Trim().Length > 4000) throw new DomainException("Сообщение в Telegram — не больше 4000 символов.", "Text");
        await using var db = contexts.Create();
        await EnsureVisibleAsync(db, user, subject, id, "reply", ct);
        if (!user.Scope.CanWorkDeals)
        {
            await security.AccessDeniedAsync(user.Actor, subject.ToString(), RecordGuard.Key(id), "reply", ct);
            throw new AccessDeniedException("Ваша роль позволяет только просматривать.");
        }
        var chat = await FindChatAsync(db, subject, id, ct)
                   ?? throw new DomainException("Клиент не писал боту компании — ответить в Telegram нельзя.");
        var now = time.GetUtcNow().UtcDateTime;
        Activity activity;
        if (subject == ConversationSubject.Deal)
        {
            var deal = await db.Deals.SingleAsync(d => d.Id == id, ct);
            activity = Activity.FromMessage(ActivityKind.Message, "out:" + Guid.NewGuid().ToString("N"), ActivityDirection.Outbound, now, user.ManagerId,
                deal.Id, deal.ClientId, null, "Telegram · " + chat.Display, text.Trim(), now); // not UI text: the channel line, names as they are
            deal.TouchActivity(now);
        }
        else
        {
            var lead = await db.Leads.SingleAsync(l => l.Id == id, ct);
            activity = Activity.FromMessage(ActivityKind.Message, "out:" + Guid.NewGuid().ToString("N"), ActivityDirection.Outbound, now, user.ManagerId,
                null, null, lead.Id, "Telegram · " + chat.Display, text.Trim(), now); // not UI text: the channel line, names as they are
            if (lead.IsOpen) lead.RecordContact(now);
        }
        db.Activities.Add(activity);
        db.OutboundMessages.Add(new OutboundMessage(chat.Channel, chat.ExternalId, null, text, activity, user.ManagerId, now));
        await db.SaveChangesAsync(ct);
        outbox.Wake();
    }

    private static async Task<MessengerChat?> FindChatAsync(CrmDbContext db, ConversationSubject subject, int id, CancellationToken ct)
    {
        if (subject == ConversationSubject.Lead)
            return await db.MessengerChats.AsNoTracking().Where(c => c.LeadId == id).OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(ct);
        var deal = await db.Deals.AsNoTracking().Where(d => d.Id == id).Select(d => new { d.ClientId }).SingleAsync(ct);
        var leads = db.Leads.Where(l => l.DealId == id || l.ClientId == deal.ClientId).Select(l => (int?)l.Id);
        return await db.MessengerChats.AsNoTracking().Where(c => c.ClientId == deal.ClientId || leads.Contains(c.LeadId))
            .OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(ct);
    }

    private async Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, ConversationSubject subject, int id, string what, CancellationToken ct)
    {
        if (subject == ConversationSubject.Deal)
            await RecordGuard.EnsureVisibleAsync(db.Deals.VisibleTo(user, db), db.Deals, d => d.Id == id, security, user, nameof(Deal), id, what,
                "Эта сделка принадлежит другому менеджеру — у вас нет к ней доступа.", "Сделка не найдена.", ct);
        else
            await RecordGuard.EnsureVisibleAsync(LeadService.Visible(db, user), db.Leads, l => l.Id == id, security, user, nameof(Lead), id, what,
                "Этот лид закреплён за другим менеджером.", "Лид не найден.", ct);
    }

    /// <summary>
    /// Where a message of a lead or a client lands: an open lead — the lead (its assignee, or the team lead of its queue);
    /// a qualified lead — its deal while open, then the client's; a client — its open deal (the latest) or the client itself.
    /// </summary>
    public static async Task<MessageTarget> TargetAsync(CrmDbContext db, Lead? lead, int? clientId, CancellationToken ct)
    {
        if (lead is { IsOpen: true } || lead is { ClientId: null })
        {
            var owner = lead.AssigneeId
                        ?? await db.Managers.AsNoTracking().LeadsOfQueue(lead.QueueTeamId).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct)
                        ?? await db.Managers.AsNoTracking().Where(m => m.IsActive && (m.Role == StaffRole.Head || m.Role == StaffRole.Admin))
                            .OrderBy(m => m.Role).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct)
                        ?? throw new DomainException("В отделе нет ни одного активного сотрудника, который принял бы сообщение.");
            return new MessageTarget(owner, null, null, lead.Id, $"/leads?id={lead.Id}");
        }
        var client = lead?.ClientId ?? clientId ?? throw new DomainException("Сообщение не относится ни к лиду, ни к клиенту.");
        if (lead?.DealId is { } leadDeal && await db.Deals.AsNoTracking().Where(d => d.Id == leadDeal && d.ClosedAt == null)
                .Select(d => new { d.Id, d.OwnerId, d.ClientId }).SingleOrDefaultAsync(ct) is { } own)
            return new MessageTarget(own.OwnerId, own.Id, own.ClientId, null, $"/deals/{own.Id}");
        var open = await db.Deals.AsNoTracking().Where(d => d.ClientId == client && d.ClosedAt == null)
            .OrderByDescending(d => d.LastActivityAt ?? d.CreatedAt).Select(d => new { d.Id, d.OwnerId }).FirstOrDefaultAsync(ct);
        if (open is not null) return new MessageTarget(open.OwnerId, open.Id, client, null, $"/deals/{open.Id}");
        var clientOwner = await db.Clients.AsNoTracking().Where(c => c.Id == client).Select(c => c.OwnerId).SingleAsync(ct);
        return new MessageTarget(clientOwner, null, client, null, $"/clients/{client}");
    }
}
