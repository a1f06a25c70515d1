using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Quality;

/// <summary>
/// Prevention (use case 8): the checks a save must pass when enforcement is on (<c>Crm:Quality:EnforceOnSave</c>). Every
/// channel that creates the record calls the same rule — the client card, lead qualification, the deal form — so none
/// of them bypasses it. The leads' own checks (a contact method, a valid INN and phone) live in the lead's constructor,
/// which the API, the import and manual entry share.
/// </summary>
public static class SaveRules
{
    /// <summary>A client must be reachable: a phone or an e-mail on the card or on one of its contacts.</summary>
    public static void RequireReachable(string? phone, string? email, bool contactReachable)
    {
        if (string.IsNullOrWhiteSpace(phone) && string.IsNullOrWhiteSpace(email) && !contactReachable)
            throw new DomainException("Укажите телефон или e-mail клиента: без них карточка не пройдёт проверку качества данных.", "Phone");
    }

    /// <summary>"No next step — no deal": a new deal comes with what will be done and by when.</summary>
    public static (string Title, DateTime DueAt) RequireNextStep(string? title, DateTime? dueAt, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(title))
            throw new DomainException("Нет следующего шага — нет сделки: укажите, что и когда будет сделано.", "NextStep");
        if (dueAt is not { } due) throw new DomainException("Укажите срок следующего шага.", "NextStepDue");
        if (due <= now) throw new DomainException("Срок следующего шага должен быть в будущем.", "NextStepDue");
        return (title.Trim(), due);
    }
}
