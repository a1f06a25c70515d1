using System.Globalization;
using SalesCrm.Data.Interceptors;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;

namespace SalesCrm.Web.Live;

/// <summary>
/// A committed change, as the live UI sees it: what happened and to which records. A stage move carries the move
/// (<see cref="DealMove"/>), which shared figures follow; <see cref="SavingSince"/> is when its save began on this node (0 for
/// a change of another node: there is no common clock to say what a result read there already held).
/// </summary>
public sealed record LiveEvent(string Kind, int? DealId = null, int? OwnerId = null, int? LeadId = null,
    int? RecipientId = null, int? ApprovalId = null, int? NotificationId = null, DealMove? Move = null, LiveCall? Call = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public long SavingSince { get; init; }
}

/// <summary>A call from outside at the recipient's extension: which call, from what number, and where it stands.</summary>
public sealed record LiveCall(string CallId, string? Number, Domain.Activities.CallLegState State);

/// <summary>
/// Fans committed domain events out to the components that watch them. Keyed, locked subscriptions
/// returning <see cref="IDisposable"/> (the eShop order-status pattern): a component subscribes after
/// its first render, re-queries inside <c>InvokeAsync</c> when called, and disposes the subscription.
/// </summary>
public sealed partial class LiveNotifier : IDomainEventPublisher
{
    private readonly ILogger<LiveNotifier> logger;

    // Resolved on first use: the relays reach the database, whose interceptors publish here (a cycle at construction).
    private readonly Lazy<ILiveRelay[]> _relays;

    public LiveNotifier(ILogger<LiveNotifier> logger, IServiceProvider services)
        : this(logger, () => [.. services.GetServices<ILiveRelay>()])
    {
    }

    public LiveNotifier(ILogger<LiveNotifier> logger, Func<IEnumerable<ILiveRelay>>? relays = null)
    {
        this.logger = logger;
        _relays = new Lazy<ILiveRelay[]>(() => [.. relays?.Invoke() ?? []]);
    }

    /// <summary>Every deal change in the company: only pages whose scope is the whole department listen here.</summary>
    public const string AllDeals = "deals";

    /// <summary>Thresholds, names, plans, teams, the calendar: every page showing figures reads them again.</summary>
    public const string Settings = "settings";

    /// <summary>The import wizard's progress.</summary>
    public const string Imports = "imports";

    /// <summary>The changes of one owner's deals and tasks (a reassignment reaches the old owner and the new).</summary>
    public static string Owner(int managerId) => $"owner:{managerId}";

    /// <summary>Every task change in the company: only a task list of the whole department listens here.</summary>
    public const string AllTasks = "tasks";

    /// <summary>The changes of one assignee's tasks (a reassignment reaches the old assignee and the new).</summary>
    public static string Tasks(int assigneeId) => $"tasks:{assigneeId}";

    /// <summary>
    /// The topics of a task list holding the tasks of <paramref name="assignees"/>, or of everyone when null: a task list shows
    /// no figure of a deal, so a deal's move does not reach it — only its tasks' changes and the settings (names, teams).
    /// </summary>
    public static IReadOnlyList<string> TaskScope(IReadOnlyList<int>? assignees) =>
        assignees is null ? [AllTasks, Settings] : [.. assignees.Distinct().Select(Tasks), Settings];

    /// <summary>
    /// The topics of a page that shows the deals of <paramref name="owners"/> (a team's members), or of everyone when null:
    /// a change of another team's deal reaches no page of this team.
    /// </summary>
    public static IReadOnlyList<string> Scope(IReadOnlyList<int>? owners) =>
        owners is null ? [AllDeals] : [.. owners.Distinct().Select(Owner), Settings];

    /// <summary>
    /// Raised, synchronously and before any subscriber runs, for every batch delivered on this node: shared results
    /// (<see cref="LiveSharedResults"/>) drop what the change made stale before a page asks for them again.
    /// </summary>
    public event Action<IReadOnlyList<(string Topic, LiveEvent Event)>>? Delivering;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<Subscription>> _subscriptions = [];

    public static string Deal(int dealId) => $"deal:{dealId}";

    /// <summary>
    /// The files of one deal or client: only the files panel listens here, so a file attached does not make the whole card
    /// read itself again, nor a stage move the panel.
    /// </summary>
    public static string Files(SalesCrm.Data.Access.CardSubject subject, int id) =>
        subject == SalesCrm.Data.Access.CardSubject.Deal ? $"files:deal:{id}" : $"files:client:{id}";

    public static string User(int managerId) => $"user:{managerId}";

    /// <summary>The calls from outside at one employee's extension (the screen-pop of that employee's open pages).</summary>
    public static string Calls(int managerId) => $"calls:{managerId}";

    /// <summary>The sessions of one sign-in account (its open pages and hub connections listen here).</summary>
    public static string Sessions(string userId) => $"sessions:{userId}";

    /// <summary>Calls <paramref name="handler"/> for every event published under <paramref name="topic"/> until disposed.</summary>
    public IDisposable Subscribe(string topic, Func<LiveEvent, Task> handler)
    {
        var subscription = new Subscription(this, topic, handler);
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(topic, out var set)) _subscriptions[topic] = set = [];
            set.Add(subscription);
        }
        return subscription;
    }

    /// <summary>Number of live subscriptions to a topic (diagnostics and tests).</summary>
    public int SubscriberCount(string topic)
    {
        lock (_lock) return _subscriptions.TryGetValue(topic, out var set) ? set.Count : 0;
    }

    /// <summary>
    /// Committed domain events of this node: delivered to this node's subscribers and handed to the relays
    /// (the other nodes through Redis, clients outside Blazor through the SignalR hub).
    /// </summary>
    public Task PublishAsync(IReadOnlyList<IDomainEvent> events, CancellationToken cancellationToken) => PublishAsync(events, 0, cancellationToken);

    public async Task PublishAsync(IReadOnlyList<IDomainEvent> events, long savingSince, CancellationToken cancellationToken)
    {
        var stamped = new Dictionary<LiveEvent, LiveEvent>();
        var items = events.SelectMany(Map).Distinct()
            .Select(i => (i.Topic, stamped.TryGetValue(i.Event, out var e) ? e : stamped[i.Event] = i.Event with { SavingSince = savingSince }))
            .ToList();
        if (items.Count == 0) return;
        DeliverLocally(items);
        foreach (var relay in _relays.Value)
        {
            try
            {
                await relay.RelayAsync(items, cancellationToken);
            }
            catch (Exception ex)
            {
                // A relay outage (Redis down) must not fail the save that already committed.
                LogRelayFailed(logger, ex, relay.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Delivers mapped events to this node's subscribers (also what the cross-node fan-out calls for events of
    /// other nodes). Handlers are started, not awaited: the person who saved does not wait for every open screen
    /// to re-query, and one slow or broken subscriber (a closed circuit) cannot hold up the others.
    /// </summary>
    public void DeliverLocally(IReadOnlyList<(string Topic, LiveEvent Event)> items)
    {
        try
        {
            Delivering?.Invoke(items);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(logger, ex, "delivering");
        }
        foreach (var (topic, live) in items)
        {
            Subscription[] targets;
            lock (_lock)
            {
                if (!_subscriptions.TryGetValue(topic, out var set)) continue;
                targets = [.. set];
            }
            foreach (var target in targets) _ = DeliverAsync(target, topic, live);
        }
    }

    private async Task DeliverAsync(Subscription target, string topic, LiveEvent live)
    {
        try
        {
            // The subscriber's page renders in its user's language, not in the culture of the thread that committed.
            CultureInfo.CurrentCulture = target.Culture;
            CultureInfo.CurrentUICulture = target.UiCulture;
            await target.Handler(live);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(logger, ex, topic);
        }
    }

    /// <summary>The topics an event is published under, and what the live UI needs to know of it.</summary>
    public static IEnumerable<(string Topic, LiveEvent Event)> Map(IDomainEvent e)
    {
        switch (e)
        {
            case DealEvent d:
                var live = new LiveEvent(d.GetType().Name, DealId: d.DealId, OwnerId: d.OwnerId, Move: d is DealStageChanged move ? DealMove.Of(move) : null);
                yield return (AllDeals, live);
                yield return (Deal(d.DealId), live);
                yield return (Owner(d.OwnerId), live);
                if (d is DealReassigned moved && moved.FromManagerId != d.OwnerId) yield return (Owner(moved.FromManagerId), live);
                break;
            case Domain.Activities.ActivityLogged a when a.Activity.DealId is { } activityDeal:
                yield return (Deal(activityDeal), new LiveEvent(nameof(Domain.Activities.ActivityLogged), DealId: activityDeal));
                break;
            case Domain.Activities.ActivityLogged a when a.Activity.LeadId is { } activityLead:
                // A message of the lead (its bot chat, its mail): the open lead panels read it again.
                yield return ("leads", new LiveEvent(nameof(Domain.Activities.ActivityLogged), LeadId: activityLead));
                break;
            case TaskChanged t:
                var task = new LiveEvent(nameof(TaskChanged), DealId: t.Task.DealId, OwnerId: t.Task.AssigneeId);
                yield return (AllTasks, task);
                yield return (Tasks(t.Task.AssigneeId), task);
                if (t.FromAssigneeId is { } from && from != t.Task.AssigneeId) yield return (Tasks(from), task);
                // A deal's next step: the deal's card, and the boards and figures of its owner.
                if (t.Task.DealId is not { } dealId) break;
                yield return (Deal(dealId), task);
                yield return (AllDeals, task);
                yield return (Owner(t.Task.AssigneeId), task);
                if (t.FromAssigneeId is { } previous && previous != t.Task.AssigneeId) yield return (Owner(previous), task);
                break;
            case LeadEvent l:
                yield return ("leads", new LiveEvent(l.GetType().Name, LeadId: l.LeadId, OwnerId: l.Lead.AssigneeId));
                break;
            case ApprovalRequested or ApprovalDecided:
                var request = e is ApprovalRequested r ? r.Request : ((ApprovalDecided)e).Request;
                yield return ("approvals", new LiveEvent(e.GetType().Name, DealId: request.DealId, ApprovalId: request.Id));
                yield return (Deal(request.DealId), new LiveEvent(e.GetType().Name, DealId: request.DealId, ApprovalId: request.Id));
                break;
            case SettingsChanged settings:
                // Thresholds, names, plans or the calendar: every page that shows figures reads them again.
                yield return (AllDeals, new LiveEvent(nameof(SettingsChanged) + ":" + settings.Area));
                yield return (Settings, new LiveEvent(nameof(SettingsChanged) + ":" + settings.Area));
                break;
            case Domain.Activities.CommentAdded { Comment.DealId: { } commentedDeal }:
                yield return (Deal(commentedDeal), new LiveEvent(nameof(Domain.Activities.CommentAdded), DealId: commentedDeal));
                break;
            case Domain.Files.FileAttached or Domain.Files.FileRemoved:
                var file = e is Domain.Files.FileAttached attached ? attached.File : ((Domain.Files.FileRemoved)e).File;
                if (file.DealId is { } fileDeal)
                {
                    yield return (Files(SalesCrm.Data.Access.CardSubject.Deal, fileDeal), new LiveEvent(e.GetType().Name, DealId: fileDeal));
                    yield return (Deal(fileDeal), new LiveEvent(e.GetType().Name, DealId: fileDeal)); // the card's history names the file
                }
                else if (file.ClientId is { } fileClient) yield return (Files(SalesCrm.Data.Access.CardSubject.Client, fileClient), new LiveEvent(e.GetType().Name));
                break;
            case Domain.Proposals.ProposalChanged proposal:
                // A version made, sent or opened by the client: the deal's open card (its proposal panel and history) reads it again.
                yield return (Deal(proposal.Document.DealId), new LiveEvent(nameof(Domain.Proposals.ProposalChanged), DealId: proposal.Document.DealId));
                break;
            case Domain.Imports.ImportProgressed import:
                yield return (Imports, new LiveEvent(nameof(Domain.Imports.ImportProgressed)));
                if (!import.Finished) break;
                // Clients, deals and leads arrived: every page that shows them reads them again.
                yield return (AllDeals, new LiveEvent(nameof(Domain.Imports.ImportProgressed)));
                yield return ("leads", new LiveEvent(nameof(Domain.Imports.ImportProgressed)));
                break;
            case Domain.Teams.SessionsEnded ended:
                yield return (Sessions(ended.UserId), new LiveEvent(nameof(Domain.Teams.SessionsEnded)));
                break;
            case Domain.Activities.CallLegChanged call:
                yield return (Calls(call.ManagerId), new LiveEvent(nameof(Domain.Activities.CallLegChanged), RecipientId: call.ManagerId,
                    Call: new LiveCall(call.CallId, call.Number, call.State)));
                break;
            case NotificationCreated n:
                yield return (User(n.Notification.RecipientId), new LiveEvent(nameof(NotificationCreated), RecipientId: n.Notification.RecipientId,
                    NotificationId: n.Notification.Id));
                break;
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            if (_subscriptions.TryGetValue(subscription.Topic, out var set) && set.Remove(subscription) && set.Count == 0)
                _subscriptions.Remove(subscription.Topic);
        }
    }

    private sealed class Subscription(LiveNotifier owner, string topic, Func<LiveEvent, Task> handler) : IDisposable
    {
        public string Topic { get; } = topic;
        public Func<LiveEvent, Task> Handler { get; } = handler;
        public CultureInfo Culture { get; } = CultureInfo.CurrentCulture;
        public CultureInfo UiCulture { get; } = CultureInfo.CurrentUICulture;

        public void Dispose() => owner.Remove(this);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live relay {Relay} failed; this node's screens got the event, others may not")]
    private static partial void LogRelayFailed(ILogger logger, Exception ex, string relay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live subscriber of {Topic} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex, string topic);
}
