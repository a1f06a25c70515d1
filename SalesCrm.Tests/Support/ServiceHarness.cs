using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Interceptors;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Tests.Support;

/// <summary>
/// The data layer as the app wires it (AddSalesCrmData), on a real database, with a user the test
/// signs in as and a publisher that records the events published after commit.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly ServiceProvider _root;

    private ServiceHarness(ServiceProvider root, TestUser user, RecordingPublisher events, FakeTimeProvider time)
    {
        _root = root;
        User = user;
        Events = events;
        Time = time;
    }

    public TestUser User { get; }

    public RecordingPublisher Events { get; }

    public FakeTimeProvider Time { get; }

    /// <param name="publisher">Where committed events go besides <see cref="Events"/> (e.g. the live notifier).</param>
    /// <param name="settings">Further configuration, as appsettings.json would give it.</param>
    /// <param name="at">Where the harness's clock starts (it stands still until the test moves it); the real time by default.</param>
    public static async Task<ServiceHarness> CreateAsync(string connectionString, DatabaseProvider provider = DatabaseProvider.Sqlite,
        IDomainEventPublisher? publisher = null, IReadOnlyDictionary<string, string?>? settings = null, DateTimeOffset? at = null)
    {
        var time = new FakeTimeProvider(at ?? TimeProvider.System.GetUtcNow());
        var events = new RecordingPublisher(publisher);
        var user = new TestUser();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IDomainEventPublisher>(events)
            .AddSingleton(user)
            .AddScoped<IUserContext>(sp => sp.GetRequiredService<TestUser>())
            .AddSalesCrmData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(),
                ["Database:ConnectionString"] = connectionString,
            }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        // Sign-in accounts as the app keeps them (the administration creates and changes them), with an ephemeral key ring.
        services.AddDataProtection();
        SalesCrm.Data.Identity.IdentitySetup.AddSalesCrmIdentity(services);
        var root = services.BuildServiceProvider();
        user.Contexts = root.GetRequiredService<IProviderContextFactory>();
        await using (var db = user.Contexts.Create())
        {
            await CrmDatabase.MigrateAsync(db);
            await SalesCrm.Data.Demo.ReferenceData.EnsureAsync(db);
        }
        return new ServiceHarness(root, user, events, time);
    }

    /// <summary>A new scope, as a circuit or a request would have.</summary>
    public T Get<T>() where T : notnull => _root.CreateScope().ServiceProvider.GetRequiredService<T>();

    public CrmDbContext Db() => User.Contexts!.Create();

    public async Task<T> QueryAsync<T>(Func<CrmDbContext, Task<T>> query)
    {
        await using var db = Db();
        return await query(db);
    }

    /// <summary>
    /// An open deal of <paramref name="ownerEmail"/> at <paramref name="stage"/>, not waiting for an approval.
    /// When the demo data has none, one of the owner's early-stage deals is moved there through the domain
    /// (with a proposal where the stage needs one), as a manager would. Deals in <paramref name="except"/> are not taken.
    /// </summary>
    public async Task<Deal> DealAtAsync(string ownerEmail, StageCode stage, params int[] except)
    {
        await using var db = Db();
        var open = db.Deals.Include(d => d.Client).Where(d => d.Owner!.Email == ownerEmail && d.ApprovalState != ApprovalState.Pending
            && d.Stage != StageCode.Won && d.Stage != StageCode.Lost && !except.Contains(d.Id));
        var deal = await open.Where(d => d.Stage == stage).OrderBy(d => d.Id).FirstOrDefaultAsync();
        if (deal is not null) return deal;
        deal = await open.Where(d => d.Stage < stage).OrderBy(d => d.Id).FirstAsync();
        var now = Time.GetUtcNow().UtcDateTime;
        if (stage.RequiresProposal() && deal.Proposal is null) deal.PrepareProposal(now.AddDays(14), deal.Premium, now);
        deal.MoveToStage(await db.Stages.SingleAsync(s => s.Code == stage), deal.OwnerId, now);
        await db.SaveChangesAsync();
        Events.Clear();
        return deal;
    }

    /// <summary>A person with a sign-in account and a CRM profile (for tests on an empty database); returns the profile's id.</summary>
    public async Task<int> AddStaffAsync(string email, StaffRole role, int? teamId = null)
    {
        await using var db = Db();
        var user = new SalesCrm.Data.Identity.AppUser { UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant() };
        db.Users.Add(user);
        var manager = new Manager(user.Id, email, email, role, teamId, Time.GetUtcNow().UtcDateTime.AddYears(-1));
        db.Managers.Add(manager);
        await db.SaveChangesAsync();
        return manager.Id;
    }

    public ValueTask DisposeAsync() => _root.DisposeAsync();
}

/// <summary>The signed-in user of a test; switch with <see cref="SignInAsAsync"/>.</summary>
public sealed class TestUser : IUserContext
{
    public IProviderContextFactory? Contexts { get; set; }

    public CurrentUser? Cached { get; private set; }

    public ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default) => ValueTask.FromResult(Cached);

    public async Task<CurrentUser> SignInAsAsync(string email)
    {
        await using var db = Contexts!.Create();
        var me = await db.Managers.AsNoTracking().SingleAsync(m => m.Email == email);
        var team = me.TeamId is { } t ? await db.Managers.Where(m => m.TeamId == t).Select(m => m.Id).ToListAsync() : [];
        Cached = new CurrentUser(me.Id, me.FullName, me.Email, me.Role, me.TeamId, team);
        return Cached;
    }

    public void SignOut() => Cached = null;
}

/// <summary>Records what the event interceptor publishes (after commit).</summary>
public sealed class RecordingPublisher(IDomainEventPublisher? next = null) : IDomainEventPublisher
{
    private readonly List<IDomainEvent> _events = [];

    public IReadOnlyList<IDomainEvent> Published
    {
        get { lock (_events) return [.. _events]; }
    }

    public Task PublishAsync(IReadOnlyList<IDomainEvent> events, CancellationToken cancellationToken) => PublishAsync(events, 0, cancellationToken);

    public Task PublishAsync(IReadOnlyList<IDomainEvent> events, long savingSince, CancellationToken cancellationToken)
    {
        lock (_events) _events.AddRange(events);
        return next?.PublishAsync(events, savingSince, cancellationToken) ?? Task.CompletedTask;
    }

    public void Clear()
    {
        lock (_events) _events.Clear();
    }
}
