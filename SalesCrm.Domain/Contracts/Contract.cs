using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Contracts;

/// <summary>An insurance contract / policy (договор, полис) and its renewal.</summary>
public sealed class Contract : Entity
{
    private Contract() { }

    public Contract(int clientId, int productId, int ownerId, string number, DateTime startDate, DateTime endDate,
        Money premium, int? dealId)
    {
        if (endDate.Date <= startDate.Date) throw new DomainException("Дата окончания должна быть позже даты начала.", nameof(EndDate));
        if (!premium.IsPositive) throw new DomainException("Премия по договору должна быть больше нуля.", nameof(Premium));
        ClientId = clientId;
        ProductId = productId;
        OwnerId = ownerId;
        Number = Guard.Required(number, nameof(Number), "Номер договора", 50);
        StartDate = DateTime.SpecifyKind(startDate.Date, DateTimeKind.Utc);
        EndDate = DateTime.SpecifyKind(endDate.Date, DateTimeKind.Utc);
        PremiumKopecks = premium.Kopecks;
        DealId = dealId;
        State = ContractState.Active;
    }

    public int ClientId { get; private set; }
    public int ProductId { get; private set; }
    public int OwnerId { get; private set; }
    public string Number { get; private set; } = "";
    public DateTime StartDate { get; private set; }
    public DateTime EndDate { get; private set; }
    public long PremiumKopecks { get; private set; }
    public Money Premium => new(PremiumKopecks);
    /// <summary>The deal that produced this contract.</summary>
    public int? DealId { get; private set; }
    /// <summary>The deal working on its renewal.</summary>
    public int? RenewalDealId { get; private set; }
    public ContractState State { get; private set; }

    /// <summary>Days from <paramref name="today"/> (the department's calendar date, as UTC midnight) to the contract's end.</summary>
    public int DaysLeft(DateTime today) => (int)Math.Floor((EndDate - today.Date).TotalDays);

    public void AttachRenewalDeal(int dealId) => RenewalDealId = dealId;

    public void MarkRenewed()
    {
        if (State != ContractState.Active) throw new DomainException("Продлить можно только действующий договор.");
        State = ContractState.Renewed;
    }

    public void MarkLost()
    {
        if (State != ContractState.Active) throw new DomainException("Договор уже не действует.");
        State = ContractState.Lost;
    }

    /// <summary>An active contract whose end is before <paramref name="today"/> (the department's calendar date) has expired.</summary>
    public void Expire(DateTime today)
    {
        if (State == ContractState.Active && EndDate < today.Date) State = ContractState.Expired;
    }

    public void AssignOwner(int ownerId) => OwnerId = ownerId;
}

public enum ContractState
{
    Active = 1,
    Renewed = 2,
    Expired = 3,
    Lost = 4,
}

public static class ContractTexts
{
    public static string Russian(this ContractState state) => state switch
    {
        ContractState.Active => "Действует",
        ContractState.Renewed => "Продлён",
        ContractState.Expired => "Истёк",
        ContractState.Lost => "Потерян",
        _ => state.ToString(),
    };
}
