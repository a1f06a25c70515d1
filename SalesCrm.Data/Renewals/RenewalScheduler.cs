using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;

namespace SalesCrm.Data.Renewals;

/// <summary>
/// Opens renewal work by itself: for every active contract, at each configured offset before its end (default 90, 60
/// and 30 days) a renewal task for the owner, and at the first one the renewal deal (stage "New", the contract's product
/// and premium, expected close on the end date). One contract and offset at a time, each in its own transaction with a
/// unique (contract, offset) row, so it happens exactly once across restarts and nodes; an offset passed while the app
/// was down is caught up (only the latest one due, not a burst of stale tasks).
/// </summary>
public sealed class RenewalScheduler(IProviderContextFactory contexts, TimeProvider time, CrmOptions options) : IPeriodicScan
{
    public string Name => "renewals";

    public TimeSpan Every => TimeSpan.FromSeconds(Math.Max(10, options.Renewals.ScanSeconds));

    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = options.Today(now);
        var offsets = options.Renewals.OffsetsDays.Where(o => o > 0).Distinct().OrderByDescending(o => o).ToArray();
        if (offsets.Length == 0) return 0;
        var horizon = today.AddDays(offsets[0]);
        List<(int Id, DateTime EndDate, int[] Done)> due;
        await using (var db = contexts.Create())
        {
            var contracts = await db.Contracts.AsNoTracking()
                .Where(c => c.State == ContractState.Active && c.EndDate >= today && c.EndDate <= horizon)
                .Select(c => new { c.Id, c.EndDate, Done = db.RenewalSteps.Where(s => s.ContractId == c.Id).Select(s => s.OffsetDays).ToList() })
                .ToListAsync(ct);
            due = contracts.Select(c => (c.Id, c.EndDate, c.Done.ToArray())).ToList();
        }
        var made = 0;
        foreach (var (id, endDate, done) in due)
        {
            var daysLeft = (int)(endDate.Date - today).TotalDays;
            // The latest offset reached, if its work is not open yet; earlier offsets passed unopened are skipped.
            var reached = offsets.Where(o => daysLeft <= o).DefaultIfEmpty(0).Min();
            if (reached == 0 || done.Contains(reached) || done.Any(d => d < reached)) continue;
            if (await OpenAsync(id, reached, daysLeft, now, ct)) made++;
        }
        return made;
    }

    private async Task<bool> OpenAsync(int contractId, int offset, int daysLeft, DateTime now, CancellationToken ct)
    {
        await using var db = contexts.Create();
        db.Actor = new Actor(null, "Пролонгации");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            db.RenewalSteps.Add(new RenewalStep(contractId, offset, now));
            await db.SaveChangesAsync(ct); // the unique (contract, offset) row: a second node stops here
            var contract = await db.Contracts.SingleAsync(c => c.Id == contractId, ct);
            if (contract.RenewalDealId is null)
            {
                var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New, ct);
                var deal = new Deal(contract.ClientId, contract.ProductId, contract.OwnerId, contract.Premium, contract.EndDate, first, contract.OwnerId, now);
                db.Deals.Add(deal);
                await db.SaveChangesAsync(ct);
                contract.AttachRenewalDeal(deal.Id);
            }
            var title = $"Пролонгация договора № {contract.Number}: до окончания {daysLeft} дн.";
            db.Tasks.Add(new TaskItem(TaskKind.Renewal, title, contract.OwnerId, contract.OwnerId, now.AddDays(Math.Min(7, Math.Max(1, daysLeft / 4))),
                contract.RenewalDealId, contract.ClientId, $"Этап пролонгации за {offset} дней до окончания", now));
            db.Notifications.Add(new Notification(contract.OwnerId, NotificationKind.Renewal, title, "Договор скоро заканчивается — свяжитесь с клиентом",
                contract.RenewalDealId is { } dealId ? $"/deals/{dealId}" : "/renewals", null, now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            await tx.RollbackAsync(CancellationToken.None);
            return false; // another node opened this step a moment ago
        }
    }
}
