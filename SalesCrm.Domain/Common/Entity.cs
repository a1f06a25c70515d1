namespace SalesCrm.Domain.Common;

/// <summary>Base of every persisted entity: an integer identity and the domain events it recorded.</summary>
public abstract class Entity
{
    private readonly List<IDomainEvent> _events = [];

    public int Id { get; protected set; }

    /// <summary>Events recorded by domain methods; published after the transaction commits.</summary>
    public IReadOnlyList<IDomainEvent> DomainEvents => _events;

    protected void Raise(IDomainEvent domainEvent) => _events.Add(domainEvent);

    public void ClearDomainEvents() => _events.Clear();
}

/// <summary>An entity whose concurrent edits are detected by an app-managed version token.</summary>
public interface IVersioned
{
    /// <summary>Incremented on every saved change; a save with a stale value is refused.</summary>
    int Version { get; set; }
}

/// <summary>A fact that happened in the domain. Published only after the commit.</summary>
public interface IDomainEvent
{
    DateTime OccurredAt { get; }
}

/// <summary>A department-wide setting changed (stages, products, plans, the calendar): open pages that show figures re-read.</summary>
public sealed record SettingsChanged(string Area, DateTime OccurredAt) : IDomainEvent;
