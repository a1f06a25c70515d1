using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Teams;

/// <summary>A sales team led by one team lead (старший менеджер).</summary>
public sealed class Team : Entity
{
    private Team() { }

    public Team(string name) => Rename(name);

    public string Name { get; private set; } = "";

    /// <summary>Lead distribution mode: assign on arrival, or queue the lead for the team lead.</summary>
    public bool AutoAssignLeads { get; private set; } = true;

    public void Rename(string name) => Name = Guard.Required(name, nameof(Name), "Название команды", 100);

    public void SetAutoAssign(bool enabled) => AutoAssignLeads = enabled;
}
