using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Comments;

public sealed record CommentView(int Id, int AuthorId, string Author, DateTime At, string Text, IReadOnlyList<string> Mentioned);

/// <summary>A colleague who may be mentioned: one who sees the record.</summary>
public sealed record Mentionable(int Id, string Name);

/// <summary>
/// Comments on deals and clients. Whoever may see the record reads and writes them. A comment mentions colleagues chosen in the
/// box or written as «@Фамилия»; each is told by a notification (in the bell, live, and by e-mail where it is configured). Only
/// a colleague who sees the record may be mentioned, so a mention never shows a deal to someone who may not open it.
/// </summary>
public sealed class CommentService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, TimeProvider time)
{
    public async Task<IReadOnlyList<CommentView>> ListAsync(CardSubject subject, int id, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, subject, id, "read comments", ct);
        var comments = await Of(db, subject, id).AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(200).ToListAsync(ct);
        var names = await db.Managers.AsNoTracking().Select(m => new { m.Id, m.FullName }).ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        return [.. comments.Select(c => new CommentView(c.Id, c.AuthorId, names.GetValueOrDefault(c.AuthorId) ?? "—", c.CreatedAt, c.Text,
            [.. c.Mentions.Select(m => names.GetValueOrDefault(m) ?? "—")]))];
    }

    /// <summary>The colleagues who see the record and may be mentioned (not the user).</summary>
    public async Task<IReadOnlyList<Mentionable>> MentionableAsync(CardSubject subject, int id, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, subject, id, "read comments", ct);
        return [.. (await SeersAsync(db, subject, id, ct)).Where(m => m.Id != user.ManagerId).Select(m => new Mentionable(m.Id, m.FullName))];
    }

    public async Task<CommentView> AddAsync(CardSubject subject, int id, string? text, IReadOnlyList<int> mentionIds, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, subject, id, "comment", ct);
        if (!user.WorksSales && user.Role != StaffRole.Underwriter) throw new AccessDeniedException("Ваша роль не позволяет комментировать.");
        var seers = await SeersAsync(db, subject, id, ct);
        var mentioned = new List<Manager>();
        foreach (var mentionId in mentionIds.Distinct())
        {
            var colleague = seers.FirstOrDefault(m => m.Id == mentionId);
            if (colleague is not null) mentioned.Add(colleague);
            else
            {
                var name = await db.Managers.Where(m => m.Id == mentionId).Select(m => m.FullName).FirstOrDefaultAsync(ct)
                           ?? throw new DomainException("Упомянутый сотрудник не найден.", "Mentions");
                throw new DomainException(new UserText("{0} не видит эту запись — упомяните того, кто её видит, или руководителя.", name), "Mentions");
            }
        }
        // «@Фамилия» in the text: a colleague who sees the record, with that surname, and only one.
        foreach (var word in Comment.MentionedWords(text))
        {
            var bySurname = seers.Where(m => m.FullName.Split(' ')[0].ToLowerInvariant().Replace('ё', 'е') == word).ToList();
            if (bySurname.Count == 1 && !mentioned.Contains(bySurname[0])) mentioned.Add(bySurname[0]);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var comment = new Comment(subject == CardSubject.Deal ? id : null, subject == CardSubject.Client ? id : null, user.ManagerId, text ?? "",
            mentioned.Select(m => m.Id), now);
        db.Comments.Add(comment);
        var (title, link) = await WhatAsync(db, subject, id, ct);
        foreach (var colleague in mentioned.Where(m => m.Id != user.ManagerId))
            db.Notifications.Add(new Notification(colleague.Id, NotificationKind.Mention, $"{user.FullName} упоминает вас: {title}", // not UI text: a notification's title, stored as written
                comment.Text, link, null, now));
        await db.SaveChangesAsync(ct);
        return new CommentView(comment.Id, user.ManagerId, user.FullName, now, comment.Text, [.. mentioned.Select(m => m.FullName)]);
    }

    private static IQueryable<Comment> Of(CrmDbContext db, CardSubject subject, int id) =>
        subject == CardSubject.Deal ? db.Comments.Where(c => c.DealId == id) : db.Comments.Where(c => c.ClientId == id);

    /// <summary>The active colleagues who see the record: the head and the admin, the owners' team leads, the owners themselves.</summary>
    private static async Task<List<Manager>> SeersAsync(CrmDbContext db, CardSubject subject, int id, CancellationToken ct)
    {
        var owners = subject == CardSubject.Deal
            ? await db.Deals.Where(d => d.Id == id).Select(d => d.OwnerId).ToListAsync(ct)
            : await db.Clients.Where(c => c.Id == id).Select(c => c.OwnerId)
                .Concat(db.Deals.Where(d => d.ClientId == id).Select(d => d.OwnerId)).Distinct().ToListAsync(ct);
        var teams = await db.Managers.Where(m => owners.Contains(m.Id) && m.TeamId != null).Select(m => m.TeamId!.Value).Distinct().ToListAsync(ct);
        return await db.Managers.AsNoTracking().Where(m => m.IsActive
                && (m.Role == StaffRole.Head || m.Role == StaffRole.Admin || owners.Contains(m.Id)
                    || (m.Role == StaffRole.TeamLead && m.TeamId != null && teams.Contains(m.TeamId.Value))))
            .OrderBy(m => m.FullName).ToListAsync(ct);
    }

    private static async Task<(string Title, string Link)> WhatAsync(CrmDbContext db, CardSubject subject, int id, CancellationToken ct)
    {
        if (subject == CardSubject.Client)
            return (await db.Clients.Where(c => c.Id == id).Select(c => c.Name).SingleAsync(ct), $"/clients/{id}");
        var deal = await db.Deals.Where(d => d.Id == id).Select(d => new { Client = d.Client!.Name, Product = d.Product!.Name }).SingleAsync(ct);
        return ($"№ {id} · {deal.Client} · {deal.Product}", $"/deals/{id}");
    }
}
