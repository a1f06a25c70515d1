using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Quality;

namespace SalesCrm.Domain.Imports;

/// <summary>A choice of the mapping step: the value saved, and what the person sees.</summary>
public sealed record MappingChoice(string Value, string Name);

/// <summary>
/// First answers of the mapping step, for the person to confirm: the stages and lead statuses Bitrix24 and amoCRM create in
/// a new portal or account, our own stage names, users by their name (in either word order) and products by theirs.
/// </summary>
public static class ImportGuesses
{
    /// <summary>The default stages and statuses of both CRMs, as compared (<see cref="CrmExports.Normalize"/>).</summary>
    private static readonly Dictionary<string, string> KnownStages = new()
    {
        // Bitrix24 deals
        ["новая"] = nameof(StageCode.New), ["подготовка документов"] = nameof(StageCode.NeedsAnalysis), // not UI text: the CRMs' stage names
        ["счет на предоплату"] = nameof(StageCode.ContractSigning), ["в работе"] = nameof(StageCode.Qualification), // not UI text: the CRMs' stage names
        ["финальный счет"] = nameof(StageCode.ContractSigning), ["сделка успешна"] = nameof(StageCode.Won), // not UI text: the CRMs' stage names
        ["сделка провалена"] = nameof(StageCode.Lost), ["анализ причины провала"] = nameof(StageCode.Lost), // not UI text: the CRMs' stage names
        // amoCRM deals
        ["неразобранное"] = nameof(StageCode.New), ["первичный контакт"] = nameof(StageCode.New), ["переговоры"] = nameof(StageCode.Negotiation), // not UI text: the CRMs' stage names
        ["принимают решение"] = nameof(StageCode.Negotiation), ["согласование договора"] = nameof(StageCode.ContractSigning), // not UI text: the CRMs' stage names
        ["успешно реализовано"] = nameof(StageCode.Won), ["закрыто и не реализовано"] = nameof(StageCode.Lost), // not UI text: the CRMs' stage names
    };

    private static readonly Dictionary<string, string> KnownLeadStatuses = new()
    {
        ["не обработан"] = nameof(LeadStatus.New), ["новый"] = nameof(LeadStatus.New), ["в работе"] = nameof(LeadStatus.InWork), // not UI text: Bitrix24's lead statuses
        ["обработан"] = nameof(LeadStatus.InWork), ["некачественный лид"] = nameof(LeadStatus.Disqualified), // not UI text: Bitrix24's lead statuses
        ["качественный лид"] = ImportMapping.Skip, ["сконвертирован"] = ImportMapping.Skip, // not UI text: Bitrix24's lead statuses
    };

    /// <summary>A first answer for their <paramref name="external"/> value among <paramref name="choices"/>, or null.</summary>
    public static string? Guess(MappingKind kind, string external, IReadOnlyList<MappingChoice> choices)
    {
        if (external.Length == 0) return null;
        var value = CrmExports.Normalize(external);
        switch (kind)
        {
            case MappingKind.Stage:
                // «Продажи / Сделка успешна»: the stage's own name decides.
                var stage = CrmExports.Normalize(external.Split(" / ")[^1]);
                return ByName(choices, stage) ?? KnownStages.GetValueOrDefault(stage);
            case MappingKind.LeadStatus:
                return ByName(choices, value) ?? KnownLeadStatuses.GetValueOrDefault(value);
            case MappingKind.User:
                // «Иван Петров» in the CRM is «Петров Иван Алексеевич» here: every word of theirs is in our name, and only one name has them.
                var words = ImportPlanner.PersonKey(external).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var same = choices.Where(c => ImportPlanner.PersonKey(c.Name) == string.Join(' ', words)).ToList();
                if (same.Count == 1) return same[0].Value;
                var within = words.Length >= 2 ? choices.Where(c => words.All(ImportPlanner.PersonKey(c.Name).Split(' ').Contains)).ToList() : [];
                return within.Count == 1 ? within[0].Value : null;
            default:
                return ByName(choices, value)
                       ?? choices.FirstOrDefault(c => ClientDuplicates.NormalizeName(c.Name) == ClientDuplicates.NormalizeName(external))?.Value;
        }
    }

    private static string? ByName(IReadOnlyList<MappingChoice> choices, string normalized) =>
        choices.FirstOrDefault(c => CrmExports.Normalize(c.Name) == normalized)?.Value;
}
