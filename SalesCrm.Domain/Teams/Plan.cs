using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Teams;

/// <summary>Premium target (план) of one manager for one calendar month.</summary>
public sealed class Plan : Entity
{
    private Plan() { }

    public Plan(int managerId, int year, int month, Money target)
    {
        if (year is < 2000 or > 2100) throw new DomainException("Год плана указан неверно.", nameof(Year));
        if (month is < 1 or > 12) throw new DomainException("Месяц плана — от 1 до 12.", nameof(Month));
        ManagerId = managerId;
        Year = year;
        Month = month;
        ChangeTarget(target);
    }

    /// <summary>10 billion rubles a month: more is a typing error, not a plan.</summary>
    public const long MaxKopecks = 10_000_000_000_00;

    public int ManagerId { get; private set; }
    public int Year { get; private set; }
    public int Month { get; private set; }
    public long TargetKopecks { get; private set; }
    public Money Target => new(TargetKopecks);

    public void ChangeTarget(Money target)
    {
        if (target.Kopecks < 0) throw new DomainException("План не может быть отрицательным.", nameof(Target));
        if (target.Kopecks > MaxKopecks) throw new DomainException("План больше 10 млрд ₽ — проверьте сумму.", nameof(Target));
        TargetKopecks = target.Kopecks;
    }
}
