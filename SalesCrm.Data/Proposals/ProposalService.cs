using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Files;
using SalesCrm.Data.Integrations;
using SalesCrm.Data.Proposals.Documents;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Files;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Proposals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Proposals;

/// <summary>
/// The <c>Proposals</c> section: the company named in the documents, how long a new proposal is valid by default, and the app's
/// public address the tracked link starts with (else <c>Smtp:BaseUrl</c>, else the address the manager's browser used).
/// </summary>
public sealed class ProposalOptions(IConfiguration configuration)
{
    public string? Company { get; } = Text(configuration["Proposals:Company"]) ?? Text(configuration["Mailbox:Name"]);
    public int ValidDays { get; } = Math.Clamp(configuration.GetValue("Proposals:ValidDays", 14), 1, 365);
    public string? PublicUrl { get; } = (Text(configuration["Proposals:PublicUrl"]) ?? Text(configuration["Smtp:BaseUrl"]))?.TrimEnd('/');

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// Proposals (КП) as documents. A manager fills the options on the deal card and generates a version: the deal's template is
/// filled into a .docx and drawn as a PDF, both kept in the deal's files — refused while a discount request waits, after a
/// refusal, or with a premium other than the approved one (<see cref="ProposalDocument.WhyCannotIssue"/>), so an unapproved
/// КП cannot leave. Sending puts a letter with a tracked link to the PDF in the outbox; when the mail server takes it, the deal's
/// proposal facts become that version's and a deal before "Proposal sent" moves there (<see cref="DeliveredAsync"/>). Each
/// opening of the link lands in the deal's history and tells the owner at once. Access is the card's: whoever may see the deal
/// reads its proposals, whoever works deals makes and sends them.
/// </summary>
public sealed class ProposalService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, IFileStore store,
    FileStorageOptions fileOptions, ProposalOptions options, MailboxOptions mailbox, OutboxSender outbox, CrmOptions crm, TimeProvider time)
{
    /// <summary>Repeated openings from the same browser within this time are one reading (a PDF viewer asks in parts, a reader reloads).</summary>
    public static readonly TimeSpan SameReading = TimeSpan.FromMinutes(30);

    public const string LinkPath = "/p/";

    public async Task<ProposalPanel> PanelAsync(int dealId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, CardSubject.Deal, dealId, "read proposals", ct);
        var deal = await db.Deals.AsNoTracking().SingleAsync(d => d.Id == dealId, ct);
        var versions = await VersionsAsync(db, dealId, ct);
        var last = versions.FirstOrDefault();
        var start = last is null
            ? [new ProposalOptionInput("Основной", 0, 0, deal.PremiumKopecks, null)] // not UI text: the first option's name, a document's word the manager may change
            : last.Options.Select(o => new ProposalOptionInput(o.Name, o.SumInsuredKopecks, o.DeductibleKopecks, Math.Max(o.PremiumKopecks, deal.PremiumKopecks), o.Terms)).ToList();
        if (last is not null && deal.ApprovalState == ApprovalState.Approved && last.Options.FirstOrDefault(o => o.IsMain) is { } main)
            start[main.Number - 1] = start[main.Number - 1] with { PremiumKopecks = deal.PremiumKopecks };
        var today = Today();
        var canWork = user.Scope.CanWorkDeals && !deal.IsClosed;
        return new ProposalPanel(versions, versions.Where(v => v.IsSent).MaxBy(v => v.SentAt)?.Id, canWork,
            ProposalDocument.WhyDealBlocksIssue(deal)?.Text,
            await TemplatesForAsync(db, deal.ProductId, ct), canWork && mailbox.Sends ? await Conversations.EmailsOfDealAsync(db, dealId, ct) : [],
            mailbox.Sends, deal.PremiumKopecks, deal.ApprovalState, last?.InsuredObject, start,
            today.AddDays(options.ValidDays));
    }

    /// <summary>Makes a new version: the .docx and the PDF in the deal's files, refused whole when the terms do not allow it.</summary>
    public async Task<ProposalVersionView> GenerateAsync(int dealId, ProposalRequest request, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, CardSubject.Deal, dealId, "generate a proposal", ct);
        await EnsureWorksAsync(user, dealId, "generate a proposal", ct);
        var deal = await db.Deals.SingleAsync(d => d.Id == dealId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (ProposalDocument.WhyCannotIssue(deal, request.Options, request.MainOption) is { } why) throw why;
        var validUntil = request.ValidUntil ?? throw new DomainException("Укажите, до какого числа действует КП.", "ValidUntil");
        ProposalDocument.CheckValidity(validUntil, Today());
        var (templateId, templateName, template) = await TemplateForAsync(db, deal.ProductId, request.TemplateId, ct);
        var number = (await db.ProposalDocuments.Where(p => p.DealId == dealId).MaxAsync(p => (int?)p.Number, ct) ?? 0) + 1;
        var document = new ProposalDocument(deal, number, templateId, templateName, request.InsuredObject, validUntil, request.Options, request.MainOption,
            user.ManagerId, now);
        var content = (await FactsAsync(db, deal, document, ct)).Content();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var keys = new List<string>();
        try
        {
            var (docx, pdf) = await AttachFilesAsync(db, document, template, content, keys, now, ct);
            await db.SaveChangesAsync(ct);
            document.Filled(content.ToJson(), docx.Id, pdf.Id);
            db.ProposalDocuments.Add(document);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception ex)
        {
            await RemoveContentAsync(keys);
            // The same number taken meanwhile (the unique index): a colleague's version went first.
            if (ex is DbUpdateException && await NumberTakenAsync(dealId, number))
                throw new DomainException("Коллега только что сформировал КП по этой сделке — обновите страницу и попробуйте ещё раз.");
            throw;
        }
        return (await VersionsAsync(db, dealId, ct)).Single(v => v.Id == document.Id);
    }

    private async Task<bool> NumberTakenAsync(int dealId, int number)
    {
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        return await db.ProposalDocuments.AnyAsync(p => p.DealId == dealId && p.Number == number, CancellationToken.None);
    }

    /// <summary>
    /// Makes the files of a version sent before its files were kept here (the history, an import), from its stored values with
    /// its template; nothing when it has them.
    /// </summary>
    public async Task MakeFilesAsync(int documentId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var document = await db.ProposalDocuments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == documentId, ct) ?? throw new NotFoundException("КП не найдено.");
        await RecordGuard.EnsureVisibleAsync(db, user, security, CardSubject.Deal, document.DealId, "make proposal files", ct);
        await EnsureWorksAsync(user, document.DealId, "make proposal files", ct);
        if (document.PdfFileId is null || document.DocxFileId is null) await PdfContentAsync(db, document, ct);
    }

    /// <summary>
    /// Sends a version by e-mail to an address of the deal's client: a letter with the manager's text, the tracked link to the
    /// PDF, the manager's name and the company's signature, through the outbox. Refused when the terms changed since the version
    /// was made, when it was sent already, or when its validity has passed.
    /// </summary>
    public async Task SendAsync(int documentId, string? to, string? subject, string? text, string pageBaseUrl, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        var title = string.IsNullOrWhiteSpace(subject) ? throw new DomainException("Напишите тему письма.", "Subject") : subject.Trim();
        if (title.Length > 300) throw new DomainException("Тема — не длиннее 300 символов.", "Subject");
        if (text is { Length: > 4000 }) throw new DomainException("Текст письма — не длиннее 4000 символов.", "Text");
        await using var db = await factory.CreateDbContextAsync(ct);
        var document = await db.ProposalDocuments.SingleOrDefaultAsync(p => p.Id == documentId, ct) ?? throw new NotFoundException("КП не найдено.");
        await RecordGuard.EnsureVisibleAsync(db, user, security, CardSubject.Deal, document.DealId, "send a proposal", ct);
        await EnsureWorksAsync(user, document.DealId, "send a proposal", ct);
        if (!mailbox.Sends) throw new DomainException("Почта не настроена: администратор задаёт ящик отдела в разделе Mailbox файла appsettings.json.");
        var recipient = Email.Normalize(to) is { } chosen && (await Conversations.EmailsOfDealAsync(db, document.DealId, ct)).Contains(chosen)
            ? chosen : throw new DomainException("Выберите адрес клиента из карточки.", "To");
        var deal = await db.Deals.SingleAsync(d => d.Id == document.DealId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        document.Sending(deal, recipient, user.ManagerId, now);
        var link = (options.PublicUrl ?? pageBaseUrl.TrimEnd('/')) + LinkPath + document.Token;
        var body = string.Join("\n", new[]
        {
            string.IsNullOrWhiteSpace(text) ? null : text.Trim(), string.IsNullOrWhiteSpace(text) ? null : "",
            $"Коммерческое предложение № {document.Code} (PDF): {link}", // not UI text: the letter to the client, in Russian
            $"Предложение действительно до {ProposalFacts.Day(document.ValidUntil)}.", // not UI text: the letter to the client
            "", "-- ", user.FullName, mailbox.Signature,
        }.Where(x => x is not null));
        var domain = mailbox.Address!.Contains('@') ? mailbox.Address[(mailbox.Address.IndexOf('@') + 1)..] : "salescrm.local";
        var activity = Activity.FromMessage(ActivityKind.Email, "mail:" + MimeKit.Utils.MimeUtils.GenerateMessageId(domain), ActivityDirection.Outbound, now,
            user.ManagerId, deal.Id, deal.ClientId, null, title, body, now);
        deal.TouchActivity(now);
        db.Activities.Add(activity);
        var message = new OutboundMessage(MessageChannel.Email, recipient, title, body, activity, user.ManagerId, now);
        db.OutboundMessages.Add(message);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            document.QueuedAs(message.Id);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        outbox.Wake();
    }

    /// <summary>
    /// The outbox's word on a letter (<see cref="OutboxSender"/>): when it carried a proposal and the mail server took it, the
    /// client has that version — the deal's proposal is sent now, valid until the version's date, at its premium, and a deal
    /// before "Proposal sent" moves there (unless its terms changed meanwhile, which the move's own rules refuse). A letter
    /// failed for good frees the version to be sent again.
    /// </summary>
    public static async Task DeliveredAsync(CrmDbContext db, OutboundMessage message, DateTime now, CancellationToken ct)
    {
        var document = await db.ProposalDocuments.SingleOrDefaultAsync(p => p.OutboundMessageId == message.Id, ct);
        if (document is null) return;
        if (message.Status == OutboundStatus.Failed)
        {
            document.SendFailed(now);
            return;
        }
        if (message.Status != OutboundStatus.Sent || !document.Delivered(now)) return;
        var deal = await db.Deals.SingleAsync(d => d.Id == document.DealId, ct);
        if (deal.IsClosed) return;
        deal.RecordProposalSent(document.ValidUntil, document.Premium, now);
        if (deal.Stage < StageCode.ProposalSent && deal.WhyCannotMoveTo(StageCode.ProposalSent) is null)
            deal.MoveToStage(await db.Stages.SingleAsync(s => s.Code == StageCode.ProposalSent, ct), document.SentById ?? deal.OwnerId, now);
    }

    /// <summary>
    /// The client opens the tracked link: the version's PDF, and the opening counted (the same browser within
    /// <see cref="SameReading"/> counts once) — in the deal's history, and told to the deal's owner at once. Null for a link that
    /// is not one (or a version never sent: a link nobody was given).
    /// </summary>
    public async Task<ProposalLinkFile?> OpenLinkAsync(string token, string? address, string? userAgent, bool count, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 40) return null;
        await using var db = await factory.CreateDbContextAsync(ct);
        var document = await db.ProposalDocuments.SingleOrDefaultAsync(p => p.Token == token, ct);
        if (document?.SendingAt is null) return null;
        var now = time.GetUtcNow().UtcDateTime;
        if (count)
        {
            var since = now - SameReading;
            var again = await db.ProposalOpenings.AnyAsync(o => o.DocumentId == document.Id && o.At > since && o.Address == address && o.UserAgent == userAgent, ct);
            if (!again)
            {
                db.ProposalOpenings.Add(new ProposalOpening(document.Id, now, address, userAgent));
                var first = document.Opened(now);
                var deal = await db.Deals.AsNoTracking().Where(d => d.Id == document.DealId).Select(d => new { d.OwnerId, Client = d.Client!.Name }).SingleAsync(ct);
                db.Notifications.Add(new Notification(deal.OwnerId, NotificationKind.Proposal,
                    first ? $"{deal.Client} открыл КП № {document.Code}" : $"{deal.Client} снова открыл КП № {document.Code} ({document.OpenCount}-й раз)", // not UI text: a notification, stored as written
                    $"Версия {document.Number}, отправлена {document.SentTo}", $"/deals/{document.DealId}", null, now)); // not UI text: a notification, stored as written
                await db.SaveChangesAsync(ct);
            }
        }
        var pdf = await PdfContentAsync(db, document, ct);
        return new ProposalLinkFile($"КП {document.Code}.pdf", pdf); // not UI text: the file's name
    }

    /// <summary>The version's files exist (made again from its stored values when a store lost them or they were never made).</summary>
    private async Task<byte[]> PdfContentAsync(CrmDbContext db, ProposalDocument document, CancellationToken ct)
    {
        if (document.PdfFileId is { } pdfId && await db.AttachedFiles.AsNoTracking().SingleOrDefaultAsync(f => f.Id == pdfId && f.DeletedAt == null, ct) is { } file
            && await store.OpenAsync(db, file.StorageKey, ct) is { } stream)
        {
            await using (stream)
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, ct);
                return copy.ToArray();
            }
        }
        var content = ProposalContent.FromJson(document.ContentJson);
        var template = document.TemplateId is { } id ? await db.ProposalTemplates.AsNoTracking().Where(t => t.Id == id).Select(t => t.Content).SingleOrDefaultAsync(ct) : null;
        var docx = ProposalDocx.Fill(template ?? ProposalStarterTemplate.Build(), content);
        var pdf = Documents.ProposalPdf.Render(docx);
        var keys = new List<string>();
        try
        {
            var tracked = await db.ProposalDocuments.SingleAsync(p => p.Id == document.Id, ct);
            var (docxFile, pdfFile) = await StoreAsync(db, tracked, docx, pdf, keys, time.GetUtcNow().UtcDateTime, ct);
            await db.SaveChangesAsync(ct);
            tracked.Filled(tracked.ContentJson, docxFile.Id, pdfFile.Id);
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            await RemoveContentAsync(keys);
            throw;
        }
        return pdf;
    }

    private async Task<(AttachedFile Docx, AttachedFile Pdf)> AttachFilesAsync(CrmDbContext db, ProposalDocument document, byte[] template, ProposalContent content,
        List<string> keys, DateTime now, CancellationToken ct)
    {
        var docx = ProposalDocx.Fill(template, content);
        var pdf = Documents.ProposalPdf.Render(docx);
        return await StoreAsync(db, document, docx, pdf, keys, now, ct);
    }

    private async Task<(AttachedFile Docx, AttachedFile Pdf)> StoreAsync(CrmDbContext db, ProposalDocument document, byte[] docx, byte[] pdf, List<string> keys,
        DateTime now, CancellationToken ct)
    {
        var client = await db.Deals.AsNoTracking().Where(d => d.Id == document.DealId).Select(d => d.Client!.Name).SingleAsync(ct);
        var name = $"КП {document.Code} {client}"; // not UI text: the files' name, a document's title
        return (await AttachAsync(db, document, name + ".docx", docx, keys, now, ct), await AttachAsync(db, document, name + ".pdf", pdf, keys, now, ct));
    }

    private async Task<AttachedFile> AttachAsync(CrmDbContext db, ProposalDocument document, string name, byte[] content, List<string> keys, DateTime now, CancellationToken ct)
    {
        var safe = FileRules.SafeName(name);
        await using var staged = await store.StageAsync(new MemoryStream(content, writable: false), safe, Math.Max(fileOptions.MaxBytes, content.Length), ct);
        var key = Guid.NewGuid().ToString("N");
        await staged.CommitAsync(db, key, ct);
        keys.Add(key);
        var file = new AttachedFile(document.DealId, null, safe, staged.Size, staged.Sha256, key, document.CreatedById, now);
        db.AttachedFiles.Add(file);
        return file;
    }

    private async Task RemoveContentAsync(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
                await store.DeleteAsync(db, key, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DbUpdateException or InvalidOperationException)
            {
                // Content nobody refers to: the file store's leftovers, harmless.
            }
        }
    }

    private async Task<ProposalFacts> FactsAsync(CrmDbContext db, Deal deal, ProposalDocument document, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == deal.ClientId, ct);
        var contact = await db.Contacts.AsNoTracking().Where(c => c.ClientId == deal.ClientId)
            .OrderByDescending(c => c.IsDecisionMaker).ThenBy(c => c.Id).FirstOrDefaultAsync(ct);
        var product = await db.Products.AsNoTracking().Where(p => p.Id == deal.ProductId).Select(p => p.Name).SingleAsync(ct);
        var owner = await db.Managers.AsNoTracking().SingleAsync(m => m.Id == deal.OwnerId, ct);
        ApprovedDiscount? discount = null;
        if (deal.ApprovalState == ApprovalState.Approved
            && await db.ApprovalRequests.AsNoTracking().Where(r => r.DealId == deal.Id && r.State == ApprovalRequestState.Approved)
                .OrderByDescending(r => r.CreatedAt).FirstOrDefaultAsync(ct) is { } approved && approved.RequestedPremiumKopecks < approved.BasePremiumKopecks)
            discount = new ApprovedDiscount(approved.BasePremiumKopecks, approved.RequestedPremiumKopecks, approved.DiscountPercent);
        return new ProposalFacts(client.Name, client.Inn, client.Kpp, client.Address, contact?.FullName, contact?.Position, product, deal.Id, document.Number,
            crm.Today(document.CreatedAt), document.ValidUntil, document.InsuredObject, document.Options, discount, owner.FullName,
            StaffRoleNames.Russian(owner.Role).ToLowerInvariant(), owner.Phone, owner.Email, options.Company, mailbox.Signature);
    }

    private static async Task<IReadOnlyList<TemplateChoice>> TemplatesForAsync(CrmDbContext db, int productId, CancellationToken ct)
    {
        var templates = await db.ProposalTemplates.AsNoTracking().Where(t => !t.IsArchived && (t.ProductId == productId || t.ProductId == null))
            .OrderBy(t => t.ProductId == null).ThenBy(t => t.Name).Select(t => new TemplateChoice(t.Id, t.Name)).ToListAsync(ct);
        return [.. templates, new TemplateChoice(null, ProposalTemplateService.BuiltInName)];
    }

    private static async Task<(int? Id, string Name, byte[] Content)> TemplateForAsync(CrmDbContext db, int productId, int? templateId, CancellationToken ct)
    {
        if (templateId is { } id)
        {
            var chosen = await db.ProposalTemplates.AsNoTracking().Where(t => t.Id == id && !t.IsArchived && (t.ProductId == null || t.ProductId == productId))
                .Select(t => new { t.Id, t.Name, t.Content }).SingleOrDefaultAsync(ct)
                ?? throw new DomainException("Этот шаблон убран в архив или относится к другому продукту — выберите другой.", "TemplateId");
            return (chosen.Id, chosen.Name, chosen.Content);
        }
        var best = await db.ProposalTemplates.AsNoTracking().Where(t => !t.IsArchived && (t.ProductId == productId || t.ProductId == null))
            .OrderBy(t => t.ProductId == null).ThenByDescending(t => t.UploadedAt).Select(t => new { t.Id, t.Name, t.Content }).FirstOrDefaultAsync(ct);
        return best is null ? (null, ProposalTemplateService.BuiltInName, ProposalStarterTemplate.Build()) : (best.Id, best.Name, best.Content);
    }

    private static async Task<List<ProposalVersionView>> VersionsAsync(CrmDbContext db, int dealId, CancellationToken ct)
    {
        var documents = await db.ProposalDocuments.AsNoTracking().Where(p => p.DealId == dealId).OrderByDescending(p => p.Number).ToListAsync(ct);
        var people = documents.Select(d => d.CreatedById).Distinct().ToList();
        var names = await db.Managers.AsNoTracking().Where(m => people.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        var messageIds = documents.Where(d => d.OutboundMessageId is not null).Select(d => d.OutboundMessageId!.Value).ToList();
        var messages = await db.OutboundMessages.AsNoTracking().Where(m => messageIds.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, m => new { m.Status, m.LastError }, ct);
        return [.. documents.Select(d =>
        {
            var message = d.OutboundMessageId is { } mid ? messages.GetValueOrDefault(mid) : null;
            return new ProposalVersionView(d.Id, d.Number, d.Code, d.TemplateName, d.InsuredObject, d.ValidUntil, d.PremiumKopecks,
                [.. d.Options.OrderBy(o => o.Number).Select(o => new ProposalOptionView(o.Number, o.Name, o.SumInsuredKopecks, o.DeductibleKopecks, o.PremiumKopecks, o.Terms, o.IsMain))],
                names.GetValueOrDefault(d.CreatedById) ?? "—", d.CreatedAt, d.DocxFileId, d.PdfFileId, d.SentTo, d.SendingAt, d.SentAt, message?.Status, message?.LastError,
                d.FirstOpenedAt, d.LastOpenedAt, d.OpenCount);
        })];
    }

    private async Task EnsureWorksAsync(CurrentUser user, int dealId, string what, CancellationToken ct)
    {
        if (user.Scope.CanWorkDeals) return;
        await security.AccessDeniedAsync(user.Actor, nameof(Deal), RecordGuard.Key(dealId), what, ct);
        throw new AccessDeniedException("Ваша роль позволяет только просматривать КП.");
    }

    private DateTime Today() => crm.Today(time.GetUtcNow().UtcDateTime);
}
