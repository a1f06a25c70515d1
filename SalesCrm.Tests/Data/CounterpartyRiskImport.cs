using System.Text;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Clients;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Services;

namespace SalesCrm.Tests.Data;

/// <summary>A SPARK export with messy headers updates the clients' risk; unknown INNs are listed; a bad row refuses the file.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class CounterpartyRiskImport : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private static RiskFileReader.RiskFile Csv(string text) => RiskFileReader.Read("spark.csv", new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task MessyHeadersAreUnderstoodClientsUpdatedAndUnknownInnsReported()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var (a, b) = await H.QueryAsync(async db =>
        {
            var inns = await db.Clients.Where(c => c.Inn != null && c.Inn.Length == 10 && me.TeamMemberIds.Contains(c.OwnerId)).OrderBy(c => c.Id)
                .Select(c => c.Inn!).Take(2).ToListAsync();
            return (inns[0], inns[1]);
        });
        var file = Csv($"""
            Выгрузка СПАРК от 20.11.2026;;;;
            Наименование; ИНН ;Индекс должной осмотрительности (ИДО);  Индекс Финансового Риска ;Индекс платёжной дисциплины
            ООО Первая;{a};75;20;10
            ООО Вторая;{b};12,5;30;45
            ООО Чужая;7707083893;5;5;5
            """);
        Assert.Null(file.Error);
        Assert.Equal([3, 4, 5], file.Rows.Select(r => r.Line));

        var report = await H.Get<CounterpartyRiskService>().ImportAsync(file.Rows);
        Assert.True(report.Imported);
        Assert.Equal(2, report.Updated);
        Assert.Equal(["7707083893"], report.UnknownInns);
        var first = await H.QueryAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.Inn == a));
        Assert.Equal(RiskLevel.High, first.Risk);
        Assert.Equal(new RiskIndices(75, 20, 10), first.RiskIndices);
        Assert.Equal(CounterpartyRiskService.SparkSource, first.RiskSource);
        Assert.NotNull(first.RiskUpdatedAt);
        Assert.Equal(RiskLevel.Medium, (await H.QueryAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.Inn == b))).Risk);
    }

    [Fact]
    public async Task ABadRowRefusesTheWholeFileWithTheRowAndTheReason()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var inn = await H.QueryAsync(db => db.Clients.Where(c => c.Inn != null && c.Inn.Length == 10).OrderBy(c => c.Id).Select(c => c.Inn!).FirstAsync());
        var before = await H.QueryAsync(db => db.Clients.AsNoTracking().Where(c => c.Inn == inn).Select(c => c.RiskUpdatedAt).SingleAsync());
        var file = Csv($"inn;due diligence;financial risk;payment discipline\n{inn};10;10;10\n7707083890;10;abc;10\n");
        var report = await H.Get<CounterpartyRiskService>().ImportAsync(file.Rows);
        Assert.False(report.Imported);
        var error = Assert.Single(report.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("ИНН", error.Message);
        Assert.Contains("abc", error.Message);
        Assert.Equal(before, await H.QueryAsync(db => db.Clients.AsNoTracking().Where(c => c.Inn == inn).Select(c => c.RiskUpdatedAt).SingleAsync()));

        Assert.NotNull(Csv("Наименование;Телефон\nООО;123\n").Error);
        Assert.Contains("платёжной", Csv("ИНН;ИДО;ИФР\n7707083893;1;2\n").Error);

        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<CounterpartyRiskService>().ImportAsync(file.Rows));
    }
}
