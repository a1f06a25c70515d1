using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Data.Common;

/// <summary>Builds the 360° timelines of deals and clients from activities, stage history, approvals, assignments and the audit trail.</summary>
internal static class Timeline
{
    /// <summary>Audit fields already told by a stage item, or pure bookkeeping.</summary>
    private static readonly HashSet<string> QuietFields =
        [nameof(Deal.Stage), nameof(Deal.StageEnteredAt), nameof(Deal.ClosedAt), nameof(Deal.LastActivityAt),
         nameof(Deal.Probability), "Proposal.SentAt", nameof(Deal.ApprovalState)];

    public static async Task<List<TimelineItem>> ForDealAsync(CrmDbContext db, int dealId, int limit, CancellationToken ct)
    {
        var names = await db.Managers.AsNoTracking().Select(m => new { m.Id, m.FullName }).ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        string? Name(int? id) => id is { } i && names.TryGetValue(i, out var n) ? n : null;

        var activities = await db.Activities.AsNoTracking().Where(a => a.DealId == dealId)
            .OrderByDescending(a => a.OccurredAt).Take(limit).ToListAsync(ct);
        var stages = await db.DealStageChanges.AsNoTracking().Where(s => s.DealId == dealId)
            .OrderByDescending(s => s.At).Take(limit).ToListAsync(ct);
        var key = dealId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var audit = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == nameof(Deal) && a.EntityId == key && a.Action == AuditAction.Modified)
            .OrderByDescending(a => a.At).Take(limit).ToListAsync(ct);
        var approvals = await db.ApprovalRequests.AsNoTracking().Include(a => a.Decisions).Where(a => a.DealId == dealId)
            .ToListAsync(ct);
        var assignments = await db.Assignments.AsNoTracking().Where(a => a.DealId == dealId)
            .OrderByDescending(a => a.At).Take(limit).ToListAsync(ct);
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.DealId == dealId)
            .OrderByDescending(t => t.CreatedAt).Take(limit).ToListAsync(ct);

        var items = new List<TimelineItem>();
        items.AddRange(activities.Select(a => FromActivity(a, Name(a.AuthorId))));
        items.AddRange(stages.Select(s => new TimelineItem(TimelineKind.Stage, s.At, Name(s.ByManagerId),
            s.From is null ? "created" : "moved", s.From?.ToString(), s.To.ToString())));
        items.AddRange(audit.Where(a => a.Field is not null && !QuietFields.Contains(a.Field))
            .Select(a => new TimelineItem(TimelineKind.Audit, a.At, a.ActorName, a.Field!, a.OldValue, a.NewValue)));
        foreach (var request in approvals)
        {
            items.Add(new TimelineItem(TimelineKind.Approval, request.CreatedAt, Name(request.RequesterId), "requested",
                request.BasePremiumKopecks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                request.RequestedPremiumKopecks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                request.Justification));
            items.AddRange(request.Decisions.Select(d => new TimelineItem(TimelineKind.Approval, d.At,
                Name(d.DeciderId) ?? "Система", d.Kind.ToString(), null, null, d.Comment)));
        }
        items.AddRange(assignments.Select(a => new TimelineItem(TimelineKind.Assignment, a.At, Name(a.ByManagerId) ?? a.Rule,
            a.Reason.Russian(), Name(a.FromManagerId), Name(a.ToManagerId), a.Comment)));
        items.AddRange(tasks.Select(t => new TimelineItem(TimelineKind.Task, t.CreatedAt, Name(t.AuthorId), t.Title,
            null, t.DueAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), t.Status.ToString())));
        var comments = await db.Comments.AsNoTracking().Where(c => c.DealId == dealId).OrderByDescending(c => c.CreatedAt).Take(limit).ToListAsync(ct);
        items.AddRange(comments.Select(c => CommentItem(c, Name)));
        items.AddRange(FileItems(await db.AttachedFiles.AsNoTracking().Where(f => f.DealId == dealId)
            .OrderByDescending(f => f.UploadedAt).Take(limit).ToListAsync(ct), Name));
        items.AddRange(await ProposalItemsAsync(db, db.ProposalDocuments.Where(p => p.DealId == dealId), limit, Name, ct));
        return items.OrderByDescending(i => i.At).Take(limit).ToList();
    }

    /// <summary>The client's story; the change history of the clients merged into it (<paramref name="mergedIds"/>) is part of it.</summary>
    public static async Task<List<TimelineItem>> ForClientAsync(CrmDbContext db, int clientId, IQueryable<Deal> visibleDeals,
        int limit, CancellationToken ct, IReadOnlyList<int>? mergedIds = null)
    {
        var names = await db.Managers.AsNoTracking().Select(m => new { m.Id, m.FullName }).ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        string? Name(int? id) => id is { } i && names.TryGetValue(i, out var n) ? n : null;
        var dealIds = visibleDeals.Where(d => d.ClientId == clientId).Select(d => d.Id);
        var activities = await db.Activities.AsNoTracking()
            .Where(a => a.ClientId == clientId && (a.DealId == null || dealIds.Contains(a.DealId.Value)))
            .OrderByDescending(a => a.OccurredAt).Take(limit).ToListAsync(ct);
        var stages = await db.DealStageChanges.AsNoTracking().Where(s => dealIds.Contains(s.DealId))
            .OrderByDescending(s => s.At).Take(limit).ToListAsync(ct);
        var keys = new[] { clientId }.Concat(mergedIds ?? []).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var audit = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == "Client" && keys.Contains(a.EntityId) && a.Action == AuditAction.Modified)
            .OrderByDescending(a => a.At).Take(limit).ToListAsync(ct);
        var assignments = await db.Assignments.AsNoTracking().Where(a => a.ClientId == clientId)
            .OrderByDescending(a => a.At).Take(limit).ToListAsync(ct);

        var items = new List<TimelineItem>();
        items.AddRange(activities.Select(a => FromActivity(a, Name(a.AuthorId))));
        items.AddRange(stages.Select(s => new TimelineItem(TimelineKind.Stage, s.At, Name(s.ByManagerId),
            s.From is null ? "created" : "moved", s.From?.ToString(), s.To.ToString(), DealId: s.DealId)));
        items.AddRange(audit.Where(a => a.Field is not null and not "NameLower")
            .Select(a => new TimelineItem(TimelineKind.Audit, a.At, a.ActorName, a.Field!, a.OldValue, a.NewValue)));
        items.AddRange(assignments.Select(a => new TimelineItem(TimelineKind.Assignment, a.At, Name(a.ByManagerId) ?? a.Rule,
            a.Reason.Russian(), Name(a.FromManagerId), Name(a.ToManagerId), a.Comment)));
        var comments = await db.Comments.AsNoTracking().Where(c => c.ClientId == clientId || (c.DealId != null && dealIds.Contains(c.DealId.Value)))
            .OrderByDescending(c => c.CreatedAt).Take(limit).ToListAsync(ct);
        items.AddRange(comments.Select(c => CommentItem(c, Name)));
        items.AddRange(FileItems(await db.AttachedFiles.AsNoTracking().Where(f => f.ClientId == clientId || (f.DealId != null && dealIds.Contains(f.DealId.Value)))
            .OrderByDescending(f => f.UploadedAt).Take(limit).ToListAsync(ct), Name));
        items.AddRange(await ProposalItemsAsync(db, db.ProposalDocuments.Where(p => dealIds.Contains(p.DealId)), limit, Name, ct));
        return items.OrderByDescending(i => i.At).Take(limit).ToList();
    }

    /// <summary>Each proposal version made, sent, and every opening of its link by the client.</summary>
    private static async Task<IEnumerable<TimelineItem>> ProposalItemsAsync(CrmDbContext db, IQueryable<Domain.Proposals.ProposalDocument> documents, int limit,
        Func<int?, string?> name, CancellationToken ct)
    {
        var list = await documents.AsNoTracking().OrderByDescending(p => p.CreatedAt).Take(limit)
            .Select(p => new { p.Id, p.DealId, p.Number, p.CreatedAt, p.CreatedById, p.PremiumKopecks, p.SentAt, p.SentById, p.SentTo, p.TemplateName }).ToListAsync(ct);
        var ids = list.Select(p => p.Id).ToList();
        var openings = await db.ProposalOpenings.AsNoTracking().Where(o => ids.Contains(o.DocumentId)).OrderByDescending(o => o.At).Take(limit)
            .Select(o => new { o.DocumentId, o.At }).ToListAsync(ct);
        var byId = list.ToDictionary(p => p.Id);
        static string Code(int deal, int number) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{deal}-{number}");
        var items = new List<TimelineItem>();
        foreach (var p in list)
        {
            items.Add(new TimelineItem(TimelineKind.Proposal, p.CreatedAt, name(p.CreatedById), "generated", Code(p.DealId, p.Number),
                p.PremiumKopecks.ToString(System.Globalization.CultureInfo.InvariantCulture), p.TemplateName, null, p.DealId));
            if (p.SentAt is { } sent) items.Add(new TimelineItem(TimelineKind.Proposal, sent, name(p.SentById), "sent", Code(p.DealId, p.Number), p.SentTo, null, null, p.DealId));
        }
        foreach (var group in openings.GroupBy(o => o.DocumentId))
        {
            var p = byId[group.Key];
            var ordered = group.OrderBy(o => o.At).ToList();
            items.AddRange(ordered.Select((o, i) => new TimelineItem(TimelineKind.Proposal, o.At, null, "opened", Code(p.DealId, p.Number),
                (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, p.DealId)));
        }
        return items;
    }

    /// <summary>A file attached, and, when it was deleted, its deletion: the file's name stays in the story either way.</summary>
    private static IEnumerable<TimelineItem> FileItems(IEnumerable<Domain.Files.AttachedFile> files, Func<int?, string?> name) =>
        files.SelectMany(f => f.DeletedAt is { } deleted
            ? new[] { FileItem(f, "attached", f.UploadedAt, name(f.UploadedById)), FileItem(f, "deleted", deleted, name(f.DeletedById)) }
            : [FileItem(f, "attached", f.UploadedAt, name(f.UploadedById))]);

    private static TimelineItem FileItem(Domain.Files.AttachedFile f, string what, DateTime at, string? who) =>
        new(TimelineKind.File, at, who, what, null, null, f.Name, null, f.DealId);

    /// <summary>A colleague's comment: its text, and whom it mentions.</summary>
    private static TimelineItem CommentItem(Comment c, Func<int?, string?> name) =>
        new(TimelineKind.Comment, c.CreatedAt, name(c.AuthorId), "comment", null,
            c.Mentions.Count == 0 ? null : string.Join(", ", c.Mentions.Select(m => name(m) ?? "—")), c.Text, null, c.DealId);

    private static TimelineItem FromActivity(Activity a, string? who) => new(
        a.Kind == ActivityKind.Call ? TimelineKind.Call : TimelineKind.Activity, a.OccurredAt, who, a.Kind.ToString(),
        a.Direction == ActivityDirection.None ? null : a.Direction.ToString(),
        a.DurationMinutes > 0 ? a.DurationMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        string.Join(" · ", new[] { a.Outcome, a.Comment, a.Tags.Count > 0 ? "#" + string.Join(" #", a.Tags) : null }
            .Where(s => !string.IsNullOrWhiteSpace(s))),
        a.RecordingUrl, a.DealId);
}
