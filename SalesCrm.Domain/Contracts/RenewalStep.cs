namespace SalesCrm.Domain.Contracts;

/// <summary>
/// Renewal work opened for a contract at one offset before its end (e.g. 90, 60, 30 days): the renewal deal (made at
/// the first step) and the task of this step. Unique per contract and offset, so the work is opened exactly once however
/// many nodes scan and however often the app restarts.
/// </summary>
public sealed class RenewalStep
{
    private RenewalStep() { }

    public RenewalStep(int contractId, int offsetDays, DateTime now)
    {
        if (offsetDays is < 1 or > 365) throw new Common.DomainException("Срок до окончания договора — от 1 до 365 дней.", nameof(OffsetDays));
        ContractId = contractId;
        OffsetDays = offsetDays;
        CreatedAt = now;
    }

    public long Id { get; private set; }
    public int ContractId { get; private set; }
    public int OffsetDays { get; private set; }
    public DateTime CreatedAt { get; private set; }
}
