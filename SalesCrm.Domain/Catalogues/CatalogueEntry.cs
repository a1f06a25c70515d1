using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Catalogues;

/// <summary>The lists the administration page keeps.</summary>
public enum CatalogueKind
{
    /// <summary>Why a deal was lost (<see cref="Deals.LossReason"/>).</summary>
    LossReason = 1,
    /// <summary>Why a lead, deal or client was handed to someone else (<see cref="Leads.AssignmentReason"/>).</summary>
    AssignmentReason = 2,
    /// <summary>The insurers a client names when it brings a competitor's offer.</summary>
    Competitor = 3,
}

/// <summary>
/// One entry of a catalogue. The reason lists are fixed categories (the loss analysis, the diagnostics and the remedies
/// are defined on them): the department names them in its own words and retires those it does not use, and an entry row
/// exists only for a category it changed (<see cref="Code"/> = the enum value). Competitors are free entries: added,
/// renamed and retired, never deleted, so that past offers keep their name.
/// </summary>
public sealed class CatalogueEntry : Entity
{
    private CatalogueEntry() { }

    public CatalogueEntry(CatalogueKind kind, int? code, string name, bool active = true)
    {
        if (!Enum.IsDefined(kind)) throw new DomainException("Справочник не из списка.", nameof(Kind));
        if (kind == CatalogueKind.LossReason && (code is not { } l || !Enum.IsDefined((Deals.LossReason)l))
            || kind == CatalogueKind.AssignmentReason && (code is not { } a || !Enum.IsDefined((Leads.AssignmentReason)a)))
            throw new DomainException("Причина не из списка.", nameof(Code));
        if (kind == CatalogueKind.Competitor && code is not null) throw new DomainException("У конкурента нет кода причины.", nameof(Code));
        Kind = kind;
        Code = code;
        Change(name, active);
    }

    public CatalogueKind Kind { get; private set; }
    public int? Code { get; private set; }
    public string Name { get; private set; } = "";
    public bool IsActive { get; private set; }

    /// <summary>"Другое" stays in both reason lists: a reason that fits no category is written there with a comment.</summary>
    public bool CanRetire => Code != 99;

    public void Change(string name, bool active)
    {
        Name = Guard.Required(name, nameof(Name), "Название", 100);
        if (!active && !CanRetire) throw new DomainException("«Другое» убрать нельзя: без него причину, которой нет в списке, не записать.", nameof(IsActive));
        IsActive = active;
    }
}
