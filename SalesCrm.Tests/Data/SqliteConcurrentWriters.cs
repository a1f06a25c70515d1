using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// The embedded SQLite under ten writers at once (lead intake with distribution and audit, activities on deals), through
/// the services as the app calls them: every write lands and no "database is locked" reaches anybody.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class SqliteConcurrentWriters : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task TenWritersAtOnceAllLandWithoutALockError()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var deals = await H.QueryAsync(db => db.Deals.Where(d => d.Owner!.Team!.Name == "Команда 1" && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .OrderBy(d => d.Id).Select(d => d.Id).Take(10).ToListAsync());
        var leadsBefore = await H.QueryAsync(db => db.Leads.CountAsync());
        var activitiesBefore = await H.QueryAsync(db => db.Activities.CountAsync(a => deals.Contains(a.DealId!.Value)));
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var now = H.Time.GetUtcNow().UtcDateTime;

        await Task.WhenAll(Enumerable.Range(0, 10).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                try
                {
                    if (i % 2 == 0)
                        await H.Get<LeadIntakeService>().SubmitAsync(new LeadSubmission($"ООО «Писатель {writer}-{i}»", Inn.Complete($"6{writer}{i:D2}00000"[..9]),
                            "Иванов Пётр", $"+7 495 8{writer}{i:D2}-00-00", null, null, null, "Москва", null, null, null),
                            new IntakeSource(null, "Нагрузка", null, LeadChannel.Website), null);
                    else
                        await H.Get<DealService>().LogActivityAsync(deals[writer], new ActivityInput(ActivityKind.Call, now.AddMinutes(-i), ActivityDirection.Outbound,
                            3, "Дозвонились", $"Звонок {writer}-{i}", null));
                }
                catch (Exception ex)
                {
                    errors.Add(ex);
                }
            }
        })));

        Assert.True(errors.IsEmpty, string.Join("\n", errors.Select(e => e.GetType().Name + ": " + e.Message)));
        Assert.Equal(leadsBefore + 50, await H.QueryAsync(db => db.Leads.CountAsync()));
        Assert.Equal(activitiesBefore + 50, await H.QueryAsync(db => db.Activities.CountAsync(a => deals.Contains(a.DealId!.Value))));
    }
}
