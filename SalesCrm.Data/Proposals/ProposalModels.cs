using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Proposals;

namespace SalesCrm.Data.Proposals;

/// <summary>A template as the settings page lists it.</summary>
public sealed record ProposalTemplateView(int Id, string Name, int? ProductId, string? ProductName, string FileName, long Size, int Revision,
    string UploadedBy, DateTime UploadedAt);

/// <summary>A template the deal card offers: the product's own first, then the general ones, then the built-in one (Id null).</summary>
public sealed record TemplateChoice(int? Id, string Name);

/// <summary>One option as the card shows and edits it.</summary>
public sealed record ProposalOptionView(int Number, string Name, long SumInsuredKopecks, long DeductibleKopecks, long PremiumKopecks, string? Terms, bool IsMain);

/// <summary>A version of the deal's proposal with its files and what became of it.</summary>
public sealed record ProposalVersionView(int Id, int Number, string Code, string TemplateName, string? InsuredObject, DateTime ValidUntil, long PremiumKopecks,
    IReadOnlyList<ProposalOptionView> Options, string CreatedBy, DateTime CreatedAt, int? DocxFileId, int? PdfFileId,
    string? SentTo, DateTime? SendingAt, DateTime? SentAt, OutboundStatus? Delivery, string? DeliveryError,
    DateTime? FirstOpenedAt, DateTime? LastOpenedAt, int OpenCount)
{
    public bool IsSent => SentAt is not null;
}

/// <summary>
/// The deal card's proposal panel: the versions (newest first), the one the client has, whether a new one may be made now (and
/// why not), the templates to make it from, the addresses it may be sent to, and what the compose dialog starts from.
/// </summary>
public sealed record ProposalPanel(IReadOnlyList<ProposalVersionView> Versions, int? ClientHasId, bool CanWork, SalesCrm.Domain.Common.UserText? WhyNotIssue,
    IReadOnlyList<TemplateChoice> Templates, IReadOnlyList<string> Emails, bool MailConfigured, long DealPremiumKopecks, ApprovalState ApprovalState,
    string? InsuredObject, IReadOnlyList<ProposalOptionInput> StartOptions, DateTime StartValidUntil)
{
    public ProposalVersionView? ClientHas => Versions.FirstOrDefault(v => v.Id == ClientHasId);
}

/// <summary>What the manager asks to generate.</summary>
public sealed record ProposalRequest(int? TemplateId, string? InsuredObject, DateTime? ValidUntil, IReadOnlyList<ProposalOptionInput> Options, int MainOption);

/// <summary>What the tracked link hands the client: the PDF of the version.</summary>
public sealed record ProposalLinkFile(string FileName, byte[] Content);

/// <summary>An uploaded template was refused: every problem found in it, each a sentence for the user.</summary>
public sealed class TemplateProblemsException(IReadOnlyList<SalesCrm.Domain.Common.UserText> problems)
    : Exception("Шаблон не принят: " + string.Join("; ", problems)) // not UI text: the log's message; the page lists the problems
{
    public IReadOnlyList<SalesCrm.Domain.Common.UserText> Problems { get; } = problems;
}
