using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Teams;

/// <summary>
/// A won deal or an activity the team lead (or the head) has shown to the team as an example. Managers see colleagues'
/// work only through these: the client's name, the product, the premium, the agreements and strategy of a shared deal;
/// the comment and the recording of a shared activity. Nothing else of a colleague's records reaches them.
/// </summary>
public sealed class SharedExample : Entity
{
    private SharedExample() { }

    public SharedExample(int teamId, int? dealId, int? activityId, int sharedById, DateTime now)
    {
        if ((dealId is null) == (activityId is null)) throw new DomainException("Пример — это сделка или активность.", "Example");
        TeamId = teamId;
        DealId = dealId;
        ActivityId = activityId;
        SharedById = sharedById;
        SharedAt = now;
    }

    public int TeamId { get; private set; }
    public int? DealId { get; private set; }
    public int? ActivityId { get; private set; }
    public int SharedById { get; private set; }
    public DateTime SharedAt { get; private set; }
}
