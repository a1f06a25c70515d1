namespace SalesCrm.Domain.Deals;

/// <summary>Catalogue of reasons a deal was lost. <see cref="Other"/> needs a comment.</summary>
public enum LossReason
{
    Price = 1,
    CompetitorTerms = 2,
    NoBudget = 3,
    Postponed = 4,
    UnderwritingDeclined = 5,
    NoResponse = 6,
    Other = 99,
}

public static class LossReasons
{
    public static string Russian(this LossReason reason) => reason switch
    {
        LossReason.Price => "Цена выше, чем у конкурента",
        LossReason.CompetitorTerms => "Условия конкурента лучше",
        LossReason.NoBudget => "Нет бюджета",
        LossReason.Postponed => "Клиент отложил решение",
        LossReason.UnderwritingDeclined => "Отказ андеррайтинга",
        LossReason.NoResponse => "Клиент перестал выходить на связь",
        LossReason.Other => "Другое",
        _ => reason.ToString(),
    };
}
