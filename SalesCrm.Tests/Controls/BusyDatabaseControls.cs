using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// A SQLite database locked by another process: a save waits at most Database:BusyTimeoutSeconds, then gives up as
/// "the database is unavailable, nothing was saved" (the Russian message every surface shows), and nothing of it —
/// neither the change nor its audit, history or events — is written. Reads go on while the lock is held.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class BusyDatabaseControls : IAsyncLifetime
{
    private string _connection = "";
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync()
    {
        _connection = await TestDatabase.CopyAsync();
        H = await ServiceHarness.CreateAsync(_connection, settings: new Dictionary<string, string?> { ["Database:BusyTimeoutSeconds"] = "1" });
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task ASaveThatCannotGetTheLockGivesUpWithNothingWritten()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var before = await H.QueryAsync(DatabaseFingerprint.TakeAsync);
        H.Events.Clear();

        await using (await SqliteWriteLock.HoldAsync(_connection))
        {
            var refused = await Record.ExceptionAsync(async () =>
                await H.Get<DealService>().UpdateTermsAsync(deal.Id, deal.Version, deal.PremiumKopecks + 1_000_00, deal.ExpectedCloseDate));
            Assert.True(refused is not null && DatabaseFault.IsUnavailable(refused), refused?.ToString());

            // Reading is not blocked by the writer.
            Assert.Equal(deal.PremiumKopecks, (await H.Get<DealService>().GetCardAsync(deal.Id)).PremiumKopecks);
        }

        Assert.Equal(before, await H.QueryAsync(DatabaseFingerprint.TakeAsync));
        Assert.Empty(H.Events.Published);

        // Once the lock is gone the same save goes in.
        await H.Get<DealService>().UpdateTermsAsync(deal.Id, deal.Version, deal.PremiumKopecks + 1_000_00, deal.ExpectedCloseDate);
        Assert.Equal(deal.PremiumKopecks + 1_000_00, await H.QueryAsync(db => db.Deals.Where(d => d.Id == deal.Id).Select(d => d.PremiumKopecks).SingleAsync()));
    }
}
