using System.Globalization;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Proposals;

/// <summary>The approved discount a proposal states: the premium before it and the approved one.</summary>
public sealed record ApprovedDiscount(long BasePremiumKopecks, long ApprovedPremiumKopecks, decimal Percent);

/// <summary>Everything a proposal document states about its deal, as the CRM knows it when the document is made.</summary>
public sealed record ProposalFacts(
    string ClientName, string? ClientInn, string? ClientKpp, string? ClientAddress, string? Contact, string? ContactPosition,
    string Product, int DealId, int Number, DateTime Date, DateTime ValidUntil, string? InsuredObject,
    IReadOnlyList<ProposalOption> Options, ApprovedDiscount? Discount,
    string Manager, string? ManagerPosition, string? ManagerPhone, string? ManagerEmail, string? Company, string? Signature)
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>
    /// The placeholders' values, written as a Russian document writes them: sums as «1 234 567 ₽» (<see cref="Money.Format"/>),
    /// dates as dd.MM.yyyy, a discount as «5 %» or «7,5 %» («нет» without one); a value the CRM does not have is left empty.
    /// </summary>
    public ProposalContent Content()
    {
        var main = Options.FirstOrDefault(o => o.IsMain) ?? Options[0];
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [ProposalPlaceholders.Client] = ClientName,
            [ProposalPlaceholders.ClientInn] = ClientInn ?? "",
            [ProposalPlaceholders.ClientKpp] = ClientKpp ?? "",
            [ProposalPlaceholders.ClientAddress] = ClientAddress ?? "",
            [ProposalPlaceholders.Contact] = Contact ?? "",
            [ProposalPlaceholders.ContactPosition] = ContactPosition ?? "",
            [ProposalPlaceholders.Product] = Product,
            [ProposalPlaceholders.InsuredObject] = InsuredObject ?? "",
            [ProposalPlaceholders.DealNumber] = DealId.ToString(CultureInfo.InvariantCulture),
            [ProposalPlaceholders.Number] = $"{DealId}-{Number}",
            [ProposalPlaceholders.VersionNumber] = Number.ToString(CultureInfo.InvariantCulture),
            [ProposalPlaceholders.Date] = Day(Date),
            [ProposalPlaceholders.ValidUntil] = Day(ValidUntil),
            [ProposalPlaceholders.Premium] = Money.Format(main.PremiumKopecks),
            [ProposalPlaceholders.BasePremium] = Money.Format(Discount?.BasePremiumKopecks ?? main.PremiumKopecks),
            [ProposalPlaceholders.Discount] = Discount is null ? "нет" : Percent(Discount.Percent), // not UI text: the document's word
            [ProposalPlaceholders.DiscountAmount] = Discount is null ? "—" : Money.Format(Discount.BasePremiumKopecks - Discount.ApprovedPremiumKopecks),
            [ProposalPlaceholders.Manager] = Manager,
            [ProposalPlaceholders.ManagerPosition] = ManagerPosition ?? "",
            [ProposalPlaceholders.ManagerPhone] = ManagerPhone ?? "",
            [ProposalPlaceholders.ManagerEmail] = ManagerEmail ?? "",
            [ProposalPlaceholders.Company] = Company ?? "",
            [ProposalPlaceholders.Signature] = Signature ?? "",
        };
        var options = Options.OrderBy(o => o.Number).Select(o => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [ProposalPlaceholders.OptionNumber] = o.Number.ToString(CultureInfo.InvariantCulture),
            [ProposalPlaceholders.OptionName] = o.Name,
            [ProposalPlaceholders.OptionSumInsured] = Money.Format(o.SumInsuredKopecks),
            [ProposalPlaceholders.OptionDeductible] = o.DeductibleKopecks == 0 ? "без франшизы" : Money.Format(o.DeductibleKopecks), // not UI text: the document's words
            [ProposalPlaceholders.OptionPremium] = Money.Format(o.PremiumKopecks),
            [ProposalPlaceholders.OptionTerms] = o.Terms ?? "",
        }).ToList();
        return new ProposalContent(fields, options);
    }

    public static string Day(DateTime date) => date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    public static string Percent(decimal percent) => Math.Round(percent, 1).ToString("0.#", Russian) + "\u00A0%";
}
