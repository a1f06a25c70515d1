using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>The distribution engine as a pure policy: each rule, their order, absences, capacity, tie-breaks, explanations.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class LeadDistributionTests
{
    private static readonly DateTime T0 = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);

    private static DistributionCandidate M(int id, string[]? territories = null, string[]? industries = null, string[]? products = null,
        ExperienceLevel experience = ExperienceLevel.Middle, int capacity = 20, int load = 10, bool absent = false, DateTime? last = null) =>
        new(id, $"Менеджер {id}", 1, territories ?? [], industries ?? [], products ?? [], experience, capacity, load, absent, last);

    private static WorkProfile Work(string? region = null, string? industry = null, string? product = null, bool large = false, bool complex = false) =>
        new(region, industry, product, large, complex);

    [Fact]
    public void TerritoryPicksTheManagerOfTheRegionAndSaysSo()
    {
        var d = LeadDistribution.Default.Choose(Work(region: "Москва"), [M(1, territories: ["Санкт-Петербург"], load: 0), M(2, territories: ["Москва"], load: 12)])!;
        Assert.Equal(2, d.Manager.ManagerId);
        Assert.Equal(DistributionRule.Territory, d.DecidingRule);
        Assert.Equal(AssignmentReason.Territory, d.Reason);
        Assert.Equal("территория: Москва; загрузка 12/20", d.Explanation);
    }

    [Fact]
    public void IndustryNarrowsWhenTerritoryCannotDecide()
    {
        var d = LeadDistribution.Default.Choose(Work(region: "Казань", industry: "Логистика"),
            [M(1, industries: ["Ритейл"], load: 0), M(2, industries: ["логистика"], load: 5)])!;
        Assert.Equal(2, d.Manager.ManagerId);
        Assert.Equal(DistributionRule.Industry, d.DecidingRule);
        Assert.StartsWith("отрасль: Логистика", d.Explanation);
    }

    [Fact]
    public void ProductSpecialisationNarrowsAndGivesTheCatalogueReason()
    {
        var d = LeadDistribution.Default.Choose(Work(product: "DMS"), [M(1, load: 0), M(2, products: ["DMS"], load: 9)])!;
        Assert.Equal(2, d.Manager.ManagerId);
        Assert.Equal(DistributionRule.ProductSpecialization, d.DecidingRule);
        Assert.Equal(AssignmentReason.ProductSpecialization, d.Reason);
        Assert.Contains("продукт: DMS", d.Explanation);
    }

    [Fact]
    public void ExperienceSendsLargeOrComplexWorkToSeniors()
    {
        var pool = new[] { M(1, load: 0, experience: ExperienceLevel.Junior), M(2, load: 15, experience: ExperienceLevel.Senior) };
        var large = LeadDistribution.Default.Choose(Work(large: true), pool)!;
        Assert.Equal(2, large.Manager.ManagerId);
        Assert.Equal(DistributionRule.Experience, large.DecidingRule);
        Assert.Contains("опыт: крупный клиент", large.Explanation);

        var complex = LeadDistribution.Default.Choose(Work(complex: true), pool)!;
        Assert.Contains("опыт: сложный продукт", complex.Explanation);

        var simple = LeadDistribution.Default.Choose(Work(), pool)!;
        Assert.Equal(1, simple.Manager.ManagerId); // no experience needed: the least loaded
    }

    [Fact]
    public void LeastLoadedIsRelativeToCapacity()
    {
        // 8/10 = 80 % against 12/30 = 40 %: the second has more work but more room.
        var d = LeadDistribution.Default.Choose(Work(), [M(1, capacity: 10, load: 8), M(2, capacity: 30, load: 12)])!;
        Assert.Equal(2, d.Manager.ManagerId);
        Assert.Equal(DistributionRule.LeastLoaded, d.DecidingRule);
        Assert.Equal("загрузка 12/30", d.Explanation);
    }

    [Fact]
    public void RoundRobinBreaksATieInFavourOfWhoWaitedLongest()
    {
        var d = LeadDistribution.Default.Choose(Work(),
            [M(1, load: 5, last: T0.AddMinutes(10)), M(2, load: 5, last: T0), M(3, load: 5, last: T0.AddMinutes(5))])!;
        Assert.Equal(2, d.Manager.ManagerId);
        Assert.Equal(DistributionRule.RoundRobin, d.DecidingRule);
        Assert.Equal("по очереди; загрузка 5/20", d.Explanation);

        var never = LeadDistribution.Default.Choose(Work(), [M(1, load: 5, last: T0), M(2, load: 5, last: null)])!;
        Assert.Equal(2, never.Manager.ManagerId); // never assigned comes first
    }

    [Fact]
    public void AbsentAndFullManagersAreSkippedEvenWhenTheyMatch()
    {
        var d = LeadDistribution.Default.Choose(Work(region: "Москва"),
            [M(1, territories: ["Москва"], absent: true, load: 0), M(2, territories: ["Москва"], capacity: 10, load: 10), M(3, load: 19)])!;
        Assert.Equal(3, d.Manager.ManagerId);
        Assert.DoesNotContain("территория", d.Explanation);
    }

    [Fact]
    public void NobodyAvailableMeansTheLeadWaitsInTheQueue()
    {
        Assert.Null(LeadDistribution.Default.Choose(Work(), [M(1, absent: true), M(2, capacity: 5, load: 5)]));
        Assert.Null(LeadDistribution.Default.Choose(Work(), []));
    }

    [Fact]
    public void TheConfiguredOrderDecidesWhichRuleWins()
    {
        var pool = new[] { M(1, territories: ["Москва"], load: 3), M(2, industries: ["Строительство"], load: 3) };
        var work = Work(region: "Москва", industry: "Строительство");

        var territoryFirst = LeadDistribution.Default.Choose(work, pool)!;
        Assert.Equal(1, territoryFirst.Manager.ManagerId);

        var industryFirst = new LeadDistribution([DistributionRule.Industry, DistributionRule.Territory, DistributionRule.LeastLoaded]).Choose(work, pool)!;
        Assert.Equal(2, industryFirst.Manager.ManagerId);
        Assert.Equal(DistributionRule.Industry, industryFirst.DecidingRule);
        Assert.StartsWith("отрасль: Строительство", industryFirst.Explanation);
    }

    [Fact]
    public void RulesAccumulateInTheExplanationInOrder()
    {
        var d = LeadDistribution.Default.Choose(Work(region: "Москва", product: "DMS"),
            [M(1, territories: ["Москва"], products: ["DMS"], load: 7), M(2, territories: ["Москва"], load: 1), M(3, products: ["DMS"], load: 0)])!;
        Assert.Equal(1, d.Manager.ManagerId);
        Assert.Equal(DistributionRule.Territory, d.DecidingRule);
        Assert.Equal("территория: Москва; продукт: DMS; загрузка 7/20", d.Explanation);
    }

    [Fact]
    public void WithoutLeastLoadedOrRoundRobinTheLowestIdIsStable()
    {
        var d = new LeadDistribution([DistributionRule.Territory]).Choose(Work(), [M(3, load: 0), M(2, load: 9)])!;
        Assert.Equal(2, d.Manager.ManagerId);
    }

    [Fact]
    public void AnEmptyOrUnknownOrderIsRefused()
    {
        Assert.Throws<DomainException>(() => new LeadDistribution([]));
        Assert.Throws<DomainException>(() => new LeadDistribution([(DistributionRule)42]));
    }
}
