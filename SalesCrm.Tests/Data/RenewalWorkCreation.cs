using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Data.Renewals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>Renewal work opens by itself exactly once per contract and offset, across restarts and two nodes.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class RenewalWorkCreation : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task EachOffsetOpensItsTaskOnceAndTheFirstOpensTheRenewalDeal()
    {
        var now = H.Time.GetUtcNow().UtcDateTime;
        var today = H.Get<CrmOptions>().Today(now);
        int contractId;
        await using (var db = H.Db())
        {
            var template = await db.Contracts.AsNoTracking().FirstAsync();
            var contract = new Contract(template.ClientId, template.ProductId, template.OwnerId, "ТЕСТ-" + Guid.NewGuid().ToString("N")[..8],
                today.AddYears(-1).AddDays(100), today.AddDays(100), Money.FromRubles(1_200_000), null);
            db.Contracts.Add(contract);
            await db.SaveChangesAsync();
            contractId = contract.Id;
        }
        Task<List<RenewalStep>> StepsAsync() => H.QueryAsync(db => db.RenewalSteps.Where(s => s.ContractId == contractId).ToListAsync());
        Task<int> TasksAsync() => H.QueryAsync(db => db.Tasks.CountAsync(t => t.Kind == TaskKind.Renewal && t.Title.Contains(db.Contracts.Single(c => c.Id == contractId).Number)));
        RenewalScheduler Node() => new(H.Get<SalesCrm.Data.IProviderContextFactory>(), H.Time, H.Get<CrmOptions>());

        await Node().ScanAsync();
        Assert.Empty(await StepsAsync()); // 100 days left: nothing yet

        H.Time.Advance(TimeSpan.FromDays(10)); // 90 days left
        await Task.WhenAll(Node().ScanAsync(), Node().ScanAsync()); // two nodes at once
        await Node().ScanAsync(); // and a restart
        Assert.Equal([90], (await StepsAsync()).Select(s => s.OffsetDays));
        Assert.Equal(1, await TasksAsync());
        var renewalDeal = await H.QueryAsync(db => db.Contracts.Where(c => c.Id == contractId).Select(c => c.RenewalDealId).SingleAsync());
        Assert.NotNull(renewalDeal);

        H.Time.Advance(TimeSpan.FromDays(35)); // 55 days left: the 60-day step
        await Node().ScanAsync();
        await Node().ScanAsync();
        Assert.Equal([60, 90], (await StepsAsync()).Select(s => s.OffsetDays).Order());
        Assert.Equal(2, await TasksAsync());
        Assert.Equal(renewalDeal, await H.QueryAsync(db => db.Contracts.Where(c => c.Id == contractId).Select(c => c.RenewalDealId).SingleAsync()));
        Assert.Equal(1, await H.QueryAsync(db => db.Deals.CountAsync(d => d.Id == renewalDeal)));

        H.Time.Advance(TimeSpan.FromDays(40)); // 15 days left, the app was down at 30: one catch-up task
        await Node().ScanAsync();
        await Node().ScanAsync();
        Assert.Equal([30, 60, 90], (await StepsAsync()).Select(s => s.OffsetDays).Order());
        Assert.Equal(3, await TasksAsync());
    }
}
