using System.Security.Cryptography;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Domain.Proposals;

/// <summary>What the manager offers in one option (variant) of a proposal: the sum insured, the deductible and the premium.</summary>
public sealed record ProposalOptionInput(string? Name, long SumInsuredKopecks, long DeductibleKopecks, long PremiumKopecks, string? Terms);

/// <summary>
/// One version of a deal's commercial proposal (КП) as a document: the options offered side by side, the main one's premium,
/// the validity date, the .docx and the PDF made from the template, and what happened to it — sent to whom and when, opened by
/// the client how many times. A new variant after negotiation is a new version; the deal's proposal facts (sent, valid until)
/// follow the version that was last sent (<see cref="Deal.RecordProposalSent"/>).
/// </summary>
public sealed class ProposalDocument : Entity
{
    public const int MaxOptions = 5;

    private readonly List<ProposalOption> _options = [];

    private ProposalDocument() { }

    /// <summary>A new version, refused (with the reason on its field) when the deal's terms do not allow it to leave (<see cref="WhyCannotIssue"/>).</summary>
    public ProposalDocument(Deal deal, int number, int? templateId, string templateName, string? insuredObject, DateTime validUntil,
        IReadOnlyList<ProposalOptionInput> options, int mainOption, int createdById, DateTime now)
    {
        if (WhyCannotIssue(deal, options, mainOption) is { } why) throw why;
        CheckValidity(validUntil, now);
        DealId = deal.Id;
        Number = number;
        TemplateId = templateId;
        TemplateName = Guard.Required(templateName, nameof(TemplateName), "Шаблон", 200);
        InsuredObject = Guard.Required(insuredObject, nameof(InsuredObject), "Объект страхования", 1000);
        ValidUntil = DateTime.SpecifyKind(validUntil.Date, DateTimeKind.Utc);
        for (var i = 0; i < options.Count; i++)
            _options.Add(new ProposalOption(i + 1, options[i], i == mainOption));
        PremiumKopecks = options[mainOption].PremiumKopecks;
        CreatedById = createdById;
        CreatedAt = now;
        Token = NewToken();
        Raise(new ProposalChanged(this, ProposalChange.Generated, now));
    }

    /// <summary>
    /// A proposal that was sent before its document was made here (the demo's history, a team's past): its one option, its
    /// validity and the sending as they were. Its files are made from <see cref="ContentJson"/> with the built-in template the
    /// first time someone opens it.
    /// </summary>
    public static ProposalDocument FromHistory(int dealId, int number, string insuredObject, ProposalOptionInput option, DateTime validUntil, int createdById,
        DateTime createdAt, string sentTo, DateTime sentAt, Func<ProposalDocument, string> contentJson)
    {
        var document = new ProposalDocument
        {
            DealId = dealId,
            Number = number,
            InsuredObject = insuredObject,
            TemplateName = "Встроенный шаблон", // not UI text: the stored name of the built-in template (the page translates it)
            ValidUntil = DateTime.SpecifyKind(validUntil.Date, DateTimeKind.Utc),
            PremiumKopecks = option.PremiumKopecks,
            CreatedById = createdById,
            CreatedAt = createdAt,
            Token = NewToken(),
            SentTo = sentTo,
            SentById = createdById,
            SendingAt = sentAt,
            SentAt = sentAt,
        };
        document._options.Add(new ProposalOption(1, option, true));
        document.ContentJson = contentJson(document);
        return document;
    }

    public int DealId { get; private set; }
    /// <summary>The version among the deal's proposals: 1, 2, …</summary>
    public int Number { get; private set; }
    public int? TemplateId { get; private set; }
    public string TemplateName { get; private set; } = "";
    public string? InsuredObject { get; private set; }
    public DateTime ValidUntil { get; private set; }
    /// <summary>The main option's premium: the premium of the deal's proposal once this version is sent.</summary>
    public long PremiumKopecks { get; private set; }
    public Money Premium => new(PremiumKopecks);
    public int CreatedById { get; private set; }
    public DateTime CreatedAt { get; private set; }
    /// <summary>The values the document was filled with (JSON of <see cref="ProposalContent"/>), so its files can be made again.</summary>
    public string ContentJson { get; private set; } = "{}";
    public int? DocxFileId { get; private set; }
    public int? PdfFileId { get; private set; }
    /// <summary>The secret of the tracked link the client opens the PDF with.</summary>
    public string Token { get; private set; } = "";

    public string? SentTo { get; private set; }
    public int? SentById { get; private set; }
    /// <summary>When the manager sent it; <see cref="SentAt"/> is when the mail server took the letter.</summary>
    public DateTime? SendingAt { get; private set; }
    public int? OutboundMessageId { get; private set; }
    public DateTime? SentAt { get; private set; }
    public DateTime? FirstOpenedAt { get; private set; }
    public DateTime? LastOpenedAt { get; private set; }
    public int OpenCount { get; private set; }

    public IReadOnlyList<ProposalOption> Options => _options;

    public string Code => $"{DealId}-{Number}";

    /// <summary>
    /// Why a proposal with these options cannot leave now, or null. The rule of «КП не отправляются без согласования» enforced
    /// where the document is made: nothing while a discount request waits or after a refusal, no option below the deal's premium
    /// (that is a discount no one approved), and after an approval the main option carries exactly the approved premium.
    /// </summary>
    public static DomainException? WhyCannotIssue(Deal deal, IReadOnlyList<ProposalOptionInput> options, int mainOption)
    {
        if (WhyDealBlocksIssue(deal) is { } blocked) return blocked;
        if (options.Count == 0) return new DomainException("Добавьте хотя бы один вариант.", "Options");
        if (options.Count > MaxOptions) return new DomainException(new UserText("Не больше {0} вариантов в одном КП.", MaxOptions), "Options");
        if (mainOption < 0 || mainOption >= options.Count) return new DomainException("Отметьте основной вариант.", "Main");
        for (var i = 0; i < options.Count; i++)
        {
            var o = options[i];
            var field = $"Options[{i}]";
            if (string.IsNullOrWhiteSpace(o.Name)) return new DomainException(new UserText("Вариант {0}: укажите название.", i + 1), field + ".Name");
            if (o.Name.Trim().Length > 100) return new DomainException(new UserText("Вариант {0}: название — не длиннее 100 символов.", i + 1), field + ".Name");
            if (o.Terms is { Length: > 1000 }) return new DomainException(new UserText("Вариант {0}: условия — не длиннее 1000 символов.", i + 1), field + ".Terms");
            if (o.SumInsuredKopecks <= 0) return new DomainException(new UserText("Вариант {0}: укажите страховую сумму.", i + 1), field + ".SumInsured");
            if (o.SumInsuredKopecks > 1_000_000_000_000_00) return new DomainException(new UserText("Вариант {0}: страховая сумма больше 1 трлн ₽ — проверьте её.", i + 1), field + ".SumInsured");
            if (o.DeductibleKopecks < 0 || o.DeductibleKopecks >= o.SumInsuredKopecks)
                return new DomainException(new UserText("Вариант {0}: франшиза — от нуля и меньше страховой суммы.", i + 1), field + ".Deductible");
            if (o.PremiumKopecks <= 0) return new DomainException(new UserText("Вариант {0}: укажите премию.", i + 1), field + ".Premium");
            if (o.PremiumKopecks > Deal.MaxPremium.Kopecks) return new DomainException(new UserText("Вариант {0}: премия больше 10 млрд ₽ — проверьте сумму.", i + 1), field + ".Premium");
            if (o.PremiumKopecks < deal.PremiumKopecks)
                return new DomainException(new UserText("Вариант {0}: премия ниже премии сделки ({1}) — это скидка: запросите согласование в карточке сделки.",
                    i + 1, deal.Premium), field + ".Premium");
        }
        if (deal.ApprovalState == ApprovalState.Approved && options[mainOption].PremiumKopecks != deal.PremiumKopecks)
            return new DomainException(new UserText("Премия основного варианта отличается от согласованной ({0}): КП выходит только с согласованной премией.", deal.Premium),
                $"Options[{mainOption}].Premium");
        return null;
    }

    /// <summary>Why no version may be made on the deal now, whatever its options: a closed deal, a request waiting, a refusal.</summary>
    public static DomainException? WhyDealBlocksIssue(Deal deal) =>
        deal.IsClosed ? new DomainException("Сделка закрыта: КП по ней больше не готовят.")
        : deal.ApprovalState == ApprovalState.Pending ? new DomainException("Запрос на согласование ещё не решён — КП можно сформировать после решения.")
        : deal.ApprovalState == ApprovalState.Rejected ? new DomainException("Условия не согласованы — измените условия сделки или запросите согласование заново.")
        : null;

    /// <summary>Why this version may not be sent now: the deal's terms changed since it was made (a request, a new premium).</summary>
    public DomainException? WhyCannotSend(Deal deal)
    {
        if (deal.Id != DealId) return new DomainException("КП относится к другой сделке.");
        if (SendingAt is not null) return new DomainException(new UserText("Версия {0} уже отправлена — для новых условий сформируйте новую версию.", Number));
        if (deal.IsClosed) return new DomainException("Сделка закрыта: КП по ней больше не отправляют.");
        if (deal.ApprovalState == ApprovalState.Pending) return new DomainException("Запрос на согласование ещё не решён — отправить КП пока нельзя.");
        if (deal.ApprovalState == ApprovalState.Rejected) return new DomainException("Условия не согласованы — отправить КП нельзя.");
        if (_options.Any(o => o.PremiumKopecks < deal.PremiumKopecks)
            || (deal.ApprovalState == ApprovalState.Approved && PremiumKopecks != deal.PremiumKopecks))
            return new DomainException(new UserText("Условия сделки изменились после того, как КП было сформировано (премия сделки {0}) — сформируйте новую версию.", deal.Premium));
        return null;
    }

    public void Filled(string contentJson, int docxFileId, int pdfFileId)
    {
        ContentJson = contentJson;
        DocxFileId = docxFileId;
        PdfFileId = pdfFileId;
    }

    /// <summary>The manager sends it: the letter is queued (<see cref="QueuedAs"/> names it once the letter is saved).</summary>
    public void Sending(Deal deal, string to, int byId, DateTime now)
    {
        if (WhyCannotSend(deal) is { } why) throw why;
        if (ValidUntil.Date < now.Date) throw new DomainException("Срок действия этой версии уже прошёл — сформируйте новую.", "ValidUntil");
        SentTo = Guard.Required(to, "To", "Адрес", 320);
        SentById = byId;
        SendingAt = now;
        Raise(new ProposalChanged(this, ProposalChange.Queued, now));
    }

    public void QueuedAs(int outboundMessageId) => OutboundMessageId = outboundMessageId;

    /// <summary>The mail server took the letter: from now on the client has this version. False when it was already recorded.</summary>
    public bool Delivered(DateTime now)
    {
        if (SentAt is not null) return false;
        SentAt = now;
        Raise(new ProposalChanged(this, ProposalChange.Sent, now));
        return true;
    }

    /// <summary>The letter failed for good (a refused address, twenty failed tries): the version may be sent again.</summary>
    public void SendFailed(DateTime now)
    {
        if (SentAt is not null) return;
        (SentTo, SentById, SendingAt, OutboundMessageId) = (null, null, null, null);
        Raise(new ProposalChanged(this, ProposalChange.Failed, now));
    }

    /// <summary>The client opened the link; true for the first opening.</summary>
    public bool Opened(DateTime now)
    {
        var first = FirstOpenedAt is null;
        FirstOpenedAt ??= now;
        LastOpenedAt = now;
        OpenCount++;
        Raise(new ProposalChanged(this, ProposalChange.Opened, now));
        return first;
    }

    /// <summary>144 random bits, URL-safe: the link's only secret.</summary>
    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    public static void CheckValidity(DateTime validUntil, DateTime now)
    {
        if (validUntil.Date < now.Date) throw new DomainException("Срок действия КП уже прошёл.", "ValidUntil");
        if (validUntil.Date > now.Date.AddYears(1)) throw new DomainException("Срок действия КП — не более года.", "ValidUntil");
    }
}

/// <summary>One option (variant) of a proposal, numbered from 1 in the order offered.</summary>
public sealed class ProposalOption
{
    private ProposalOption() { }

    internal ProposalOption(int number, ProposalOptionInput input, bool isMain)
    {
        Number = number;
        Name = input.Name!.Trim();
        SumInsuredKopecks = input.SumInsuredKopecks;
        DeductibleKopecks = input.DeductibleKopecks;
        PremiumKopecks = input.PremiumKopecks;
        Terms = string.IsNullOrWhiteSpace(input.Terms) ? null : input.Terms.Trim();
        IsMain = isMain;
    }

    public int Number { get; private set; }
    public string Name { get; private set; } = "";
    public long SumInsuredKopecks { get; private set; }
    public long DeductibleKopecks { get; private set; }
    public long PremiumKopecks { get; private set; }
    public string? Terms { get; private set; }
    public bool IsMain { get; private set; }
}

/// <summary>One opening of a proposal's tracked link: when, and from where (as the web server saw it).</summary>
public sealed class ProposalOpening
{
    private ProposalOpening() { }

    public ProposalOpening(int documentId, DateTime at, string? address, string? userAgent)
    {
        DocumentId = documentId;
        At = at;
        Address = address is { Length: > 64 } a ? a[..64] : address;
        UserAgent = userAgent is { Length: > 300 } u ? u[..300] : userAgent;
    }

    public long Id { get; private set; }
    public int DocumentId { get; private set; }
    public DateTime At { get; private set; }
    public string? Address { get; private set; }
    public string? UserAgent { get; private set; }
}

public enum ProposalChange
{
    Generated = 1,
    Queued = 2,
    Sent = 3,
    Opened = 4,
    Failed = 5,
}

/// <summary>A proposal was made, sent or opened: the deal's open card shows it at once.</summary>
public sealed record ProposalChanged(ProposalDocument Document, ProposalChange Change, DateTime OccurredAt) : IDomainEvent;
