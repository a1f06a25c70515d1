using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Admin;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>Stages, products and plans as the administration page changes them, on the demo department.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class PipelineAndPlanAdministration : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private Task<int> IdOfAsync(string email) => H.QueryAsync(db => db.Managers.Where(m => m.Email == email).Select(m => m.Id).SingleAsync());

    [Fact]
    public async Task TheHeadChangesAStuckThresholdAndTheDashboardCountsByItAtOnce()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var month = ReportingPeriod.Containing(PeriodKind.Month, H.Time.GetUtcNow().UtcDateTime, H.Get<CrmOptions>().TimeZone);
        var before = (await H.Get<DashboardService>().LoadAsync(null, month, new AttentionFilter())).StuckTotal;
        var stage = (await H.Get<PipelineAdminService>().StagesAsync()).Single(s => s.Code == StageCode.Negotiation);
        H.Events.Clear();

        await H.Get<PipelineAdminService>().ConfigureStageAsync(StageCode.Negotiation, "Переговоры об условиях", stage.Probability, 365);
        Assert.Contains(H.Events.Published, e => e is SettingsChanged { Area: "stages" });
        var after = (await H.Get<DashboardService>().LoadAsync(null, month, new AttentionFilter())).StuckTotal;
        Assert.True(after < before, $"stuck {before} → {after}");
        Assert.Equal("Переговоры об условиях", (await H.Get<LookupService>().StagesAsync()).Single(s => s.Code == StageCode.Negotiation).Name);
        Assert.Contains(await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == nameof(PipelineStage)).ToListAsync()),
            a => a.Field == nameof(PipelineStage.StuckAfterDays) && a.NewValue == "365");

        var ex = await Assert.ThrowsAsync<DomainException>(() => H.Get<PipelineAdminService>().ConfigureStageAsync(StageCode.Negotiation, "Переговоры", 60, 0));
        Assert.Equal(nameof(PipelineStage.StuckAfterDays), ex.Field);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<PipelineAdminService>().ConfigureStageAsync(StageCode.Negotiation, "X", 60, 10));
    }

    [Fact]
    public async Task TheAdministratorKeepsTheProductCatalogueAndARetiredProductIsOfferedNoMore()
    {
        await H.User.SignInAsAsync("admin@demo.salescrm");
        var service = H.Get<PipelineAdminService>();
        var id = await service.CreateProductAsync("Cyber", "Киберриски", complex: true);
        Assert.Contains(await H.Get<LookupService>().ProductsAsync(), p => p.Id == id && p.Code == "cyber" && p.IsComplex);
        Assert.Equal(nameof(Product.Code), (await Assert.ThrowsAsync<DomainException>(() => service.CreateProductAsync("cyber", "Ещё раз", false))).Field);
        Assert.Equal(nameof(Product.Code), (await Assert.ThrowsAsync<DomainException>(() => service.CreateProductAsync("кибер", "Кириллица", false))).Field);

        await service.UpdateProductAsync(id, "Киберстрахование", complex: false, active: false);
        Assert.DoesNotContain(await H.Get<LookupService>().ProductsAsync(), p => p.Id == id);
        Assert.Contains(await service.ProductsAsync(), p => p.Id == id && p.Name == "Киберстрахование" && !p.IsActive);
        await H.User.SignInAsAsync("head@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.CreateProductAsync("x", "X", false));
    }

    [Fact]
    public async Task PlansAreSetByTheHeadAndByTeamLeadsOnlyForTheirTeamWhenAllowed()
    {
        var year = H.Time.GetUtcNow().UtcDateTime.Year + 2; // the demo sets plans up to the next quarter
        var m1 = await IdOfAsync("m1@demo.salescrm");
        var m5 = await IdOfAsync("m5@demo.salescrm");

        await H.User.SignInAsAsync("lead@demo.salescrm");
        var grid = await H.Get<PlanService>().GridAsync(year, null);
        Assert.False(grid.CanEdit);
        Assert.All(grid.Rows, r => Assert.Equal(grid.Rows[0].TeamId, r.TeamId));
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<PlanService>().SetAsync([new PlanCell(m1, year, 1, 100_000_00)]));

        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Equal(2, await H.Get<PlanService>().SetAsync([new PlanCell(m1, year, 1, 15_000_000_00), new PlanCell(m5, year, 1, 12_000_000_00)]));
        await H.Get<PlanService>().SetDelegationAsync(true);

        await H.User.SignInAsAsync("lead@demo.salescrm");
        H.Events.Clear();
        Assert.Equal(2, await H.Get<PlanService>().SetAsync([new PlanCell(m1, year, 1, 16_000_000_00), new PlanCell(m1, year, 2, 16_000_000_00)]));
        Assert.Contains(H.Events.Published, e => e is SettingsChanged { Area: "plans" });
        Assert.Equal(0, await H.Get<PlanService>().SetAsync([new PlanCell(m1, year, 1, 16_000_000_00)])); // the same value is no change
        // Another team's seller in the batch refuses the whole batch.
        var plans = await H.QueryAsync(db => db.Plans.Where(p => p.Year == year).CountAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<PlanService>().SetAsync([new PlanCell(m1, year, 3, 1), new PlanCell(m5, year, 3, 1)]));
        Assert.Equal(plans, await H.QueryAsync(db => db.Plans.Where(p => p.Year == year).CountAsync()));
        Assert.Null((await H.Get<PlanService>().GridAsync(year, null)).Rows.Single(r => r.ManagerId == m1).Months[2]);
        Assert.Equal(16_000_000_00, (await H.Get<PlanService>().GridAsync(year, null)).Rows.Single(r => r.ManagerId == m1).Months[0]);
    }

    [Fact]
    public async Task APlanFileIsTakenWholeOrReportedRowByRow()
    {
        var year = H.Time.GetUtcNow().UtcDateTime.Year + 2; // the demo sets plans up to the next quarter
        await H.User.SignInAsAsync("head@demo.salescrm");
        var good = new List<(int, string?, string?, string?, string?)>
        {
            (2, "m1@demo.salescrm", year.ToString(System.Globalization.CultureInfo.InvariantCulture), "4", "16 500 000"),
            (3, "Морозов Алексей Викторович", year.ToString(System.Globalization.CultureInfo.InvariantCulture), "4", "12000000,50"),
        };
        var (changed, errors) = await H.Get<PlanService>().ImportAsync(good);
        Assert.Empty(errors);
        Assert.Equal(2, changed);
        var m5 = await IdOfAsync("m5@demo.salescrm");
        Assert.Equal(12_000_000_50, (await H.Get<PlanService>().GridAsync(year, null)).Rows.Single(r => r.ManagerId == m5).Months[3]);

        var before = await H.QueryAsync(DatabaseFingerprint.TakeAsync);
        var bad = new List<(int, string?, string?, string?, string?)>
        {
            (2, "m1@demo.salescrm", year.ToString(System.Globalization.CultureInfo.InvariantCulture), "5", "1000"),
            (3, "nobody@demo.salescrm", "2027", "5", "1000"),
            (4, "m2@demo.salescrm", "2027", "13", "1000"),
            (5, "m2@demo.salescrm", "двадцать", "5", "1000"),
            (6, "m2@demo.salescrm", "2027", "6", "-5"),
            (7, "m1@demo.salescrm", year.ToString(System.Globalization.CultureInfo.InvariantCulture), "5", "2000"),
        };
        (changed, errors) = await H.Get<PlanService>().ImportAsync(bad);
        Assert.Equal(0, changed);
        Assert.Equal([3, 4, 5, 6, 7], errors.Select(e => e.Row));
        Assert.Equal(before, await H.QueryAsync(DatabaseFingerprint.TakeAsync));
    }
}
