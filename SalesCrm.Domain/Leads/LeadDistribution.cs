using System.Globalization;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Domain.Leads;

/// <summary>The rules of the distribution engine; their order is configurable.</summary>
public enum DistributionRule
{
    Territory = 1,
    Industry = 2,
    ProductSpecialization = 3,
    Experience = 4,
    LeastLoaded = 5,
    RoundRobin = 6,
}

/// <summary>
/// What the engine knows of the work to assign. Built only by the factories below, so that a suggestion and the
/// assignment it previews see the same work (a complex product wants an experienced manager; a large client too).
/// </summary>
public sealed record WorkProfile(string? Region, string? Industry, string? ProductCode, bool IsLarge, bool IsComplexProduct)
{
    /// <summary>A lead, with its product when it names one (null when it names none or an unknown code).</summary>
    public static WorkProfile Of(Lead lead, Deals.Product? product) =>
        new(lead.Region, lead.Industry, lead.ProductCode, false, product is { IsComplex: true } && product.Code == lead.ProductCode);

    /// <summary>A deal of a client, in its product.</summary>
    public static WorkProfile Of(Clients.Client client, Deals.Product product) =>
        new(client.Region, client.Industry, product.Code, client.Segment >= Clients.ClientSegment.Large, product.IsComplex);

    /// <summary>A client without an open deal.</summary>
    public static WorkProfile Of(Clients.Client client) =>
        new(client.Region, client.Industry, null, client.Segment >= Clients.ClientSegment.Large, false);
}

/// <summary>What the engine knows of a manager who might take it.</summary>
public sealed record DistributionCandidate(int ManagerId, string Name, int? TeamId, IReadOnlyCollection<string> Territories,
    IReadOnlyCollection<string> Industries, IReadOnlyCollection<string> Products, ExperienceLevel Experience, int Capacity, int Load,
    bool IsAbsent, DateTime? LastAssignedAt);

/// <summary>The chosen manager, the rule that decided, the catalogue reason and the explanation shown to people.</summary>
public sealed record DistributionDecision(DistributionCandidate Manager, DistributionRule DecidingRule, AssignmentReason Reason, string Explanation);

/// <summary>
/// The lead distribution engine: a pure policy. Managers who are absent or at capacity are skipped; then each
/// narrowing rule, in the configured order, keeps only the managers that match the lead — when at least one
/// does (a rule nobody matches is passed over); finally the least loaded relative to capacity wins and round
/// robin (who got work longest ago) breaks ties. The explanation reads like "территория: Москва; загрузка 12/20".
/// </summary>
public sealed class LeadDistribution(IReadOnlyList<DistributionRule> order)
{
    public static IReadOnlyList<DistributionRule> DefaultOrder { get; } =
    [
        DistributionRule.Territory, DistributionRule.Industry, DistributionRule.ProductSpecialization,
        DistributionRule.Experience, DistributionRule.LeastLoaded, DistributionRule.RoundRobin,
    ];

    public static LeadDistribution Default { get; } = new(DefaultOrder);

    public IReadOnlyList<DistributionRule> Order { get; } = Validate(order);

    private static List<DistributionRule> Validate(IReadOnlyList<DistributionRule> order)
    {
        var rules = order.Distinct().ToList();
        if (rules.Count == 0) throw new Common.DomainException("Укажите хотя бы одно правило распределения.");
        if (rules.Any(r => !Enum.IsDefined(r))) throw new Common.DomainException("Неизвестное правило распределения.");
        return rules;
    }

    /// <summary>The decision, or null when nobody can take the work (everyone absent or at capacity): it waits in the queue.</summary>
    public DistributionDecision? Choose(WorkProfile work, IEnumerable<DistributionCandidate> candidates)
    {
        var pool = candidates.Where(c => !c.IsAbsent && Teams.Workload.HasRoom(c.Load, c.Capacity)).ToList();
        if (pool.Count == 0) return null;
        var reasons = new List<string>();
        DistributionRule? decisive = null;
        var reason = AssignmentReason.NewClient;

        foreach (var rule in Order)
        {
            if (pool.Count == 1) break;
            var (narrowed, note) = rule switch
            {
                DistributionRule.Territory when !string.IsNullOrWhiteSpace(work.Region) =>
                    (pool.Where(c => Contains(c.Territories, work.Region)).ToList(), $"территория: {work.Region}"),
                DistributionRule.Industry when !string.IsNullOrWhiteSpace(work.Industry) =>
                    (pool.Where(c => Contains(c.Industries, work.Industry)).ToList(), $"отрасль: {work.Industry}"),
                DistributionRule.ProductSpecialization when !string.IsNullOrWhiteSpace(work.ProductCode) =>
                    (pool.Where(c => Contains(c.Products, work.ProductCode)).ToList(), $"продукт: {work.ProductCode}"),
                DistributionRule.Experience when work.IsLarge || work.IsComplexProduct =>
                    (pool.Where(c => c.Experience == ExperienceLevel.Senior).ToList(),
                        work.IsComplexProduct ? "опыт: сложный продукт" : "опыт: крупный клиент"),
                _ => (pool, null),
            };
            if (note is null || narrowed.Count == 0) continue; // nobody matches: the rule cannot decide, pass it over
            pool = narrowed;
            reasons.Add(note);
            decisive ??= rule;
            if (reason == AssignmentReason.NewClient)
                reason = rule switch
                {
                    DistributionRule.Territory => AssignmentReason.Territory,
                    DistributionRule.ProductSpecialization => AssignmentReason.ProductSpecialization,
                    _ => AssignmentReason.NewClient,
                };
        }

        var byLoad = pool.OrderBy(c => (double)c.Load / Math.Max(1, c.Capacity)).ToList();
        var lightest = (double)byLoad[0].Load / Math.Max(1, byLoad[0].Capacity);
        var tied = byLoad.Where(c => Math.Abs((double)c.Load / Math.Max(1, c.Capacity) - lightest) < 1e-9).ToList();
        var useLoad = Order.Contains(DistributionRule.LeastLoaded);
        var finalists = useLoad ? tied : pool;
        DistributionCandidate chosen;
        if (finalists.Count > 1 && Order.Contains(DistributionRule.RoundRobin))
        {
            chosen = finalists.OrderBy(c => c.LastAssignedAt ?? DateTime.MinValue).ThenBy(c => c.ManagerId).First();
            decisive ??= DistributionRule.RoundRobin;
            reasons.Add("по очереди");
        }
        else
        {
            chosen = finalists.OrderBy(c => c.ManagerId).First();
            if (useLoad && pool.Count > 1) decisive ??= DistributionRule.LeastLoaded;
        }
        decisive ??= DistributionRule.LeastLoaded;
        reasons.Add(string.Create(CultureInfo.InvariantCulture, $"загрузка {chosen.Load}/{chosen.Capacity}"));
        return new DistributionDecision(chosen, decisive.Value, reason, string.Join("; ", reasons));
    }

    private static bool Contains(IReadOnlyCollection<string> values, string? value) =>
        value is not null && values.Any(v => string.Equals(v.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase));
}
