using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Clients;

/// <summary>Clients: list, card, creation and edits, contacts. Record-level access on every call.</summary>
public sealed class ClientService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time,
    SecurityLog security, CrmOptions options)
{
    public async Task<PagedResult<ClientRow>> ListAsync(ClientListQuery query, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var clients = Filtered(db, user, query);
        var total = await clients.CountAsync(ct);
        var pageSize = Math.Clamp(query.PageSize, 1, 500);
        var rows = await Rows(db, Sorted(clients, query).Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new PagedResult<ClientRow>(rows.Select(Finish).ToList(), total);
    }

    /// <summary>Every client the list shows for these filters, in its order, streamed (the Excel export).</summary>
    public async IAsyncEnumerable<ClientRow> ExportAsync(ClientListQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await foreach (var row in Rows(db, Sorted(Filtered(db, user, query), query)).AsAsyncEnumerable().WithCancellation(ct))
            yield return Finish(row);
    }

    private static IQueryable<Client> Filtered(CrmDbContext db, CurrentUser user, ClientListQuery query)
    {
        var clients = db.Clients.AsNoTracking().VisibleTo(user, db);
        if (query.OwnerId is { } owner) clients = clients.Where(c => c.OwnerId == owner);
        if (query.Risk is { } risk) clients = clients.Where(c => c.Risk == risk);
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim().ToLowerInvariant();
            clients = text.All(char.IsAsciiDigit)
                ? clients.Where(c => c.Inn!.StartsWith(text))
                : clients.Where(c => c.NameLower.Contains(text));
        }
        return clients;
    }

    private static IQueryable<Client> Sorted(IQueryable<Client> clients, ClientListQuery query) => (query.Sort, query.Descending) switch
    {
        ("Region", false) => clients.OrderBy(c => c.Region).ThenBy(c => c.Id),
        ("Region", true) => clients.OrderByDescending(c => c.Region).ThenBy(c => c.Id),
        ("Industry", false) => clients.OrderBy(c => c.Industry).ThenBy(c => c.Id),
        ("Industry", true) => clients.OrderByDescending(c => c.Industry).ThenBy(c => c.Id),
        (_, true) => clients.OrderByDescending(c => c.NameLower).ThenBy(c => c.Id),
        _ => clients.OrderBy(c => c.NameLower).ThenBy(c => c.Id),
    };

    private sealed record RawClientRow(int Id, string Name, string? Inn, string Industry, string Region, ClientSegment Segment, string OwnerName,
        RiskLevel Risk, bool IsKeyClient);

    private static IQueryable<RawClientRow> Rows(CrmDbContext db, IQueryable<Client> clients) =>
        clients.Join(db.Managers, c => c.OwnerId, m => m.Id, (c, m) => new RawClientRow(c.Id, c.Name, c.Inn, c.Industry, c.Region, c.Segment,
            m.FullName, c.Risk, c.IsKeyClient));

    private static ClientRow Finish(RawClientRow r) =>
        new(r.Id, r.Name, r.Inn, Inn.IsValid(r.Inn), r.Industry, r.Region, r.Segment, r.OwnerName, r.Risk, r.IsKeyClient);

    public async Task<ClientCard> GetCardAsync(int clientId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, clientId, "open", ct);
        return await BuildCardAsync(db, user, clientId, ct);
    }

    /// <summary>The client a merged record now lives in (null when <paramref name="clientId"/> was not merged).</summary>
    public async Task<int?> SurvivorOfAsync(int clientId, CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Quality.ClientMergeService.SurvivorOfAsync(db, clientId, ct);
    }

    /// <summary>Creates a client owned by the user. A second client with the same INN is refused with a pointer to the first.</summary>
    public async Task<int> CreateAsync(ClientInput input, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.Scope.CanWorkDeals) throw new AccessDeniedException("Создавать клиентов могут менеджеры и руководители.");
        var inn = Inn.Parse(input.Inn);
        if (options.Quality.EnforceOnSave) Domain.Quality.SaveRules.RequireReachable(input.Phone, input.Email, false);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureInnFreeAsync(db, user, inn, null, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var client = new Client(input.Name, inn, input.Kpp, input.Industry, input.Region, input.Segment, user.ManagerId, now);
        Apply(client, input);
        db.Clients.Add(client);
        await db.SaveChangesAsync(ct);
        return client.Id;
    }

    public async Task<ClientCard> UpdateAsync(int clientId, int expectedVersion, ClientInput input, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var client = await LoadForChangeAsync(db, user, clientId, expectedVersion, ct);
        var inn = Inn.Parse(input.Inn);
        if (inn.Value != client.Inn)
        {
            await EnsureInnFreeAsync(db, user, inn, clientId, ct);
            client.ChangeInn(inn);
        }
        client.SetName(input.Name);
        client.SetRequisites(input.Kpp, input.Industry, input.Region, input.Segment);
        if (options.Quality.EnforceOnSave)
            Domain.Quality.SaveRules.RequireReachable(input.Phone, input.Email, client.Contacts.Any(c => c.Phone != null || c.Email != null));
        Apply(client, input);
        await SaveAsync(db, user, clientId, ct);
        return await BuildCardAsync(db, user, clientId, ct);
    }

    public async Task<ClientCard> AddContactAsync(int clientId, ContactInput input, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var client = await LoadForChangeAsync(db, user, clientId, null, ct);
        client.AddContact(input.FullName, input.Position, input.Phone, input.Email, input.IsDecisionMaker, time.GetUtcNow().UtcDateTime);
        await SaveAsync(db, user, clientId, ct);
        return await BuildCardAsync(db, user, clientId, ct);
    }

    /// <summary>A complaint or a change of decision-maker: a churn signal that renewal control counts.</summary>
    public async Task<ClientCard> RecordSignalAsync(int clientId, ClientSignalKind kind, string? comment, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!Enum.IsDefined(kind)) throw new DomainException("Выберите, что произошло.", "Kind");
        await using var db = await factory.CreateDbContextAsync(ct);
        var client = await LoadForChangeAsync(db, user, clientId, null, ct);
        client.RecordSignal(kind, time.GetUtcNow().UtcDateTime, comment);
        await SaveAsync(db, user, clientId, ct);
        return await BuildCardAsync(db, user, clientId, ct);
    }

    private static void Apply(Client client, ClientInput input)
    {
        client.SetContacts(input.Phone, input.Email, input.Address);
        client.SetBranches(input.Branches);
        client.MarkKey(input.IsKeyClient);
    }

    /// <summary>A second client with the same INN is refused: named when the user may see the first, otherwise only said to be served.</summary>
    /// <summary>
    /// Clients that already have this INN, phone or e-mail (the new client's dialog asks while the person types). A client
    /// the user may open is named; another manager's is only said to exist, as saving would say.
    /// </summary>
    public async Task<IReadOnlyList<KnownClient>> KnownAsync(string? inn, string? phone, string? email, int? exceptId = null, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var found = new List<(string Field, int Id)>();
        if (Inn.IsValid(inn))
        {
            var value = inn!.Trim();
            found.AddRange((await db.Clients.AsNoTracking().Where(c => c.Inn == value && c.Id != exceptId && c.MergedIntoId == null).Select(c => c.Id).Take(3).ToListAsync(ct))
                .Select(id => ("Inn", id)));
        }
        if (Phone.Normalize(phone) is { } digits && !string.IsNullOrWhiteSpace(phone))
        {
            var raw = phone.Trim();
            var ids = await db.Clients.AsNoTracking().Where(c => c.Phone == raw && c.Id != exceptId && c.MergedIntoId == null).Select(c => c.Id).Take(3).ToListAsync(ct);
            ids.AddRange(await db.Contacts.AsNoTracking().Where(k => k.PhoneNormalized == digits && k.ClientId != exceptId).Select(k => k.ClientId).Take(3).ToListAsync(ct));
            found.AddRange(ids.Distinct().Select(id => ("Phone", id)));
        }
        if (Email.Validate(email) is null && Email.Normalize(email) is { } mail)
        {
            var ids = await db.Clients.AsNoTracking().Where(c => c.Email != null && c.Email.ToLower() == mail && c.Id != exceptId && c.MergedIntoId == null).Select(c => c.Id).Take(3).ToListAsync(ct);
            ids.AddRange(await db.Contacts.AsNoTracking().Where(k => k.Email != null && k.Email.ToLower() == mail && k.ClientId != exceptId).Select(k => k.ClientId).Take(3).ToListAsync(ct));
            found.AddRange(ids.Distinct().Select(id => ("Email", id)));
        }
        if (found.Count == 0) return [];
        var all = found.Select(f => f.Id).Distinct().ToList();
        var visible = await db.Clients.AsNoTracking().VisibleTo(user, db).Where(c => all.Contains(c.Id)).Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return [.. found.Select(f => visible.TryGetValue(f.Id, out var name) ? new KnownClient(f.Field, f.Id, name) : new KnownClient(f.Field, null, null)).Distinct()];
    }

    private static async Task EnsureInnFreeAsync(CrmDbContext db, CurrentUser user, Inn inn, int? exceptId, CancellationToken ct)
    {
        var other = await db.Clients.AsNoTracking().Where(c => c.Inn == inn.Value && c.Id != exceptId)
            .Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync(ct);
        if (other is null) return;
        if (await db.Clients.VisibleTo(user, db).AnyAsync(c => c.Id == other.Id, ct))
            throw new DomainException(new UserText("Клиент с ИНН {0} уже есть: «{1}» (№ {2}).", inn.Value, other.Name, other.Id), "Inn");
        throw new DomainException("Клиент с этим ИНН уже обслуживается в компании другим менеджером — обратитесь к старшему менеджеру.", "Inn");
    }

    private async Task<Client> LoadForChangeAsync(CrmDbContext db, CurrentUser user, int clientId, int? expectedVersion,
        CancellationToken ct)
    {
        await EnsureVisibleAsync(db, user, clientId, "edit", ct);
        if (!user.Scope.CanWorkDeals) throw new AccessDeniedException("Ваша роль позволяет только просматривать клиентов.");
        var client = await db.Clients.Include(c => c.Contacts).SingleAsync(c => c.Id == clientId, ct);
        if (expectedVersion is { } v)
        {
            if (client.Version != v) throw await ConflictAsync(db, user, clientId, ct);
            db.Entry(client).Property(c => c.Version).OriginalValue = v;
        }
        return client;
    }

    private Task SaveAsync(CrmDbContext db, CurrentUser user, int clientId, CancellationToken ct) =>
        RecordGuard.SaveAsync(db, async () =>
        {
            await using var fresh = await factory.CreateDbContextAsync(ct);
            return await ConflictAsync(fresh, user, clientId, ct);
        }, ct);

    private async Task<ConcurrencyConflictException> ConflictAsync(CrmDbContext db, CurrentUser user, int clientId, CancellationToken ct) =>
        new(await BuildCardAsync(db, user, clientId, ct), await RecordGuard.RecentChangesAsync(db, nameof(Client), clientId, ct));

    private Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, int clientId, string what, CancellationToken ct) =>
        RecordGuard.EnsureVisibleAsync(db.Clients.VisibleTo(user, db), db.Clients, c => c.Id == clientId, security, user,
            nameof(Client), clientId, what, "Этот клиент закреплён за другим менеджером — у вас нет к нему доступа.",
            "Клиент не найден.", ct);

    private async Task<ClientCard> BuildCardAsync(CrmDbContext db, CurrentUser user, int clientId, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking()
            .Include(c => c.Contacts).Include(c => c.Signals)
            .AsSplitQuery().SingleAsync(c => c.Id == clientId, ct);
        var owner = await db.Managers.AsNoTracking().Where(m => m.Id == client.OwnerId)
            .Select(m => new NamedRef(m.Id, m.FullName)).SingleAsync(ct);
        var visibleDeals = db.Deals.AsNoTracking().VisibleTo(user, db);
        var deals = await visibleDeals.Where(d => d.ClientId == clientId).OrderByDescending(d => d.CreatedAt)
            .Select(d => new ClientDealInfo(d.Id, d.Product!.Name, d.Stage, d.PremiumKopecks, d.Owner!.FullName, d.ExpectedCloseDate))
            .ToListAsync(ct);
        var contracts = await db.Contracts.AsNoTracking().Where(c => c.ClientId == clientId).OrderByDescending(c => c.EndDate)
            .Join(db.Products, c => c.ProductId, p => p.Id, (c, p) => new ContractInfo(c.Id, c.Number, p.Name, c.StartDate,
                c.EndDate, c.PremiumKopecks, c.State))
            .ToListAsync(ct);
        return new ClientCard
        {
            Id = client.Id,
            Version = client.Version,
            Name = client.Name,
            Inn = client.Inn,
            InnValid = client.HasValidInn,
            InnError = Inn.Validate(client.Inn),
            Kpp = client.Kpp,
            Industry = client.Industry,
            Region = client.Region,
            Segment = client.Segment,
            IsKeyClient = client.IsKeyClient,
            Owner = owner,
            Phone = client.Phone,
            Email = client.Email,
            Address = client.Address,
            Branches = client.Branches,
            Analytics = await ClientAnalyticsQuery.LoadAsync(db, clientId, ct),
            CreatedAt = client.CreatedAt,
            Contacts = client.Contacts.OrderByDescending(c => c.IsDecisionMaker).ThenBy(c => c.FullName)
                .Select(c => new ContactInfo(c.Id, c.FullName, c.Position, c.Phone, c.Email, c.IsDecisionMaker, c.DecisionMakerChangedAt))
                .ToList(),
            Deals = deals,
            Contracts = contracts,
            Signals = client.Signals.OrderByDescending(s => s.At).Select(s => new SignalInfo(s.Kind, s.At, s.Comment)).ToList(),
            Timeline = await Timeline.ForClientAsync(db, clientId, visibleDeals, 100, ct, await Quality.ClientMergeService.MergedIntoAsync(db, clientId, ct)),
            CanEdit = user.Scope.CanWorkDeals,
        };
    }
}
