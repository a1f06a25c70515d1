using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SalesCrm.Data.Access;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Data.Integrations;

/// <summary>Whose phone number an employee clicks: a client's own, a contact's, or a lead's.</summary>
public enum PhoneOwner
{
    Client = 1,
    Contact = 2,
    Lead = 3,
}

/// <summary>The PBX accepted the call: it rings the employee's extension first, then dials the number.</summary>
public sealed record CallPlaced(string Pbx, string Extension, string Number);

/// <summary>Which PBX places calls, and whether the signed-in employee can place them (null reason: yes).</summary>
public sealed record ClickToCallState(string? Pbx, UserText? Unavailable)
{
    public bool Available => Unavailable is null;
}

/// <summary>Per-employee pauses between calls, shared by every page of the node.</summary>
public sealed class ClickToCallPace
{
    /// <summary>A PBX takes a few requests a second per account; one call every few seconds per employee is plenty.</summary>
    public static readonly TimeSpan Between = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<int, DateTime> _last = new();

    /// <summary>Takes the employee's turn at <paramref name="now"/>, or says how long to wait.</summary>
    public TimeSpan? Take(int managerId, DateTime now)
    {
        while (true)
        {
            if (!_last.TryGetValue(managerId, out var last))
            {
                if (_last.TryAdd(managerId, now)) return null;
                continue;
            }
            if (now - last < Between) return Between - (now - last);
            if (_last.TryUpdate(managerId, now, last)) return null;
        }
    }
}

/// <summary>
/// Click-to-call: the employee clicks a phone number in a card, and the company's PBX rings the employee's extension and then
/// dials the number — Mango Office's <c>commands/callback</c> or Zadarma's <c>/v1/request/callback/</c> (docs/integrations.md).
/// The number is read from the record on the server, within what the employee may see, so no other number can be dialled.
/// The call then reaches the timeline as the PBX reports it, like any other call.
/// </summary>
public sealed class ClickToCallService(IProviderContextFactory contexts, IUserContext users, IntegrationSecretVerifier verifier, PbxApiOptions apis,
    PbxHttp http, ClickToCallPace pace, TimeProvider time, ILogger<ClickToCallService> log)
{
    public const string MangoOffice = "Mango Office";
    public const string Zadarma = "Zadarma";

    /// <summary>Whether the signed-in employee can place calls: a PBX is set up and the employee has an extension.</summary>
    public Task<ClickToCallState> StateAsync(CancellationToken ct = default)
    {
        // A card shows many numbers: they share one answer for a little while.
        var now = time.GetUtcNow().UtcDateTime;
        if (_state is null || _state.IsFaulted || now - _stateAt > TimeSpan.FromSeconds(30))
        {
            (_state, _stateAt) = (ReadStateAsync(ct), now);
        }
        return _state;
    }

    private Task<ClickToCallState>? _state;
    private DateTime _stateAt;

    private async Task<ClickToCallState> ReadStateAsync(CancellationToken ct)
    {
        var pbx = await PbxAsync(ct);
        if (pbx is null)
            return new ClickToCallState(null, "Звонки через АТС не настроены: администратор вводит ключи Mango Office или Zadarma в «Администрирование → Интеграции».");
        var user = await users.RequireAsync(ct);
        if (!user.Scope.CanWorkDeals) return new ClickToCallState(pbx, "Ваша роль не ведёт клиентов: звонки из карточек ей недоступны.");
        await using var db = contexts.Create();
        var extension = await db.Managers.AsNoTracking().Where(m => m.Id == user.ManagerId).Select(m => m.Extension).SingleOrDefaultAsync(ct);
        return string.IsNullOrWhiteSpace(extension)
            ? new ClickToCallState(pbx, "У вас нет добавочного номера АТС: его указывает администратор в карточке сотрудника.")
            : new ClickToCallState(pbx, null);
    }

    /// <summary>Asks the PBX to connect the signed-in employee with the phone of <paramref name="owner"/> <paramref name="id"/>.</summary>
    /// <exception cref="DomainException">The call cannot be placed; the message says why, in Russian.</exception>
    /// <exception cref="AccessDeniedException">The record is not the employee's to call.</exception>
    public async Task<CallPlaced> CallAsync(PhoneOwner owner, int id, CancellationToken ct = default)
    {
        var state = await ReadStateAsync(ct);
        if (state.Unavailable is { } why) throw new DomainException(why);
        var user = await users.RequireAsync(ct);
        string extension, number;
        await using (var db = contexts.Create())
        {
            extension = (await db.Managers.AsNoTracking().Where(m => m.Id == user.ManagerId).Select(m => m.Extension).SingleAsync(ct))!.Trim();
            var phone = owner switch
            {
                PhoneOwner.Client => await VisibleAsync(db.Clients.AsNoTracking().Where(c => c.Id == id), db.Clients.VisibleTo(user, db).Where(c => c.Id == id),
                    c => c.Phone, ct),
                PhoneOwner.Contact => await VisibleAsync(db.Contacts.AsNoTracking().Where(c => c.Id == id),
                    db.Contacts.AsNoTracking().Where(c => c.Id == id && db.Clients.VisibleTo(user, db).Any(x => x.Id == c.ClientId)), c => c.Phone, ct),
                PhoneOwner.Lead => await VisibleAsync(db.Leads.AsNoTracking().Where(l => l.Id == id), LeadService.Visible(db, user).Where(l => l.Id == id),
                    l => l.Phone, ct),
                _ => throw new DomainException("Неизвестно, чей это номер."),
            };
            number = Phone.Normalize(phone) ?? throw new DomainException(new UserText("Номер «{0}» не распознан: исправьте его в карточке.", phone ?? "—"));
        }
        if (pace.Take(user.ManagerId, time.GetUtcNow().UtcDateTime) is { } wait)
            throw new DomainException(new UserText("Звонок уже заказан. Следующий — через {0} с.", (int)Math.Ceiling(wait.TotalSeconds)));

        try
        {
            if (state.Pbx == MangoOffice) await MangoAsync(extension, number, ct);
            else await ZadarmaAsync(extension, number, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogUnreachable(log, ex, state.Pbx!);
            throw new DomainException(new UserText("{0} не отвечает: звонок не заказан. Наберите +{1} с телефона или повторите позже.", state.Pbx!, number));
        }
        return new CallPlaced(state.Pbx!, extension, "+" + number);
    }

    /// <summary>The PBX that places calls: the one set up, or <c>Telephony:ClickToCall</c> when both are.</summary>
    private async Task<string?> PbxAsync(CancellationToken ct)
    {
        var mango = await verifier.CredentialsAsync(IntegrationKind.MangoOffice, ct) is { Account: not null, Secrets.Count: > 0 };
        var zadarma = await verifier.CredentialsAsync(IntegrationKind.Zadarma, ct) is { Account: not null, Secrets.Count: > 0 };
        if (mango && zadarma)
            return apis.CallsThroughZadarma ? Zadarma : MangoOffice;
        return mango ? MangoOffice : zadarma ? Zadarma : null;
    }

    private static async Task<string?> VisibleAsync<T>(IQueryable<T> all, IQueryable<T> visible, System.Linq.Expressions.Expression<Func<T, string?>> phone,
        CancellationToken ct)
    {
        if (!await all.AnyAsync(ct)) throw new NotFoundException("Запись не найдена.");
        if (!await visible.AnyAsync(ct)) throw new AccessDeniedException("Это клиент другого менеджера: позвонить ему из CRM нельзя.");
        return await visible.Select(phone).SingleAsync(ct) is { Length: > 0 } number ? number : throw new DomainException("В карточке нет телефона.");
    }

    /// <summary>Mango Office: a signed <c>commands/callback</c>; the PBX answers <c>{"result":1000}</c> when it takes the command.</summary>
    private async Task MangoAsync(string extension, string number, CancellationToken ct)
    {
        var (key, secrets) = await verifier.CredentialsAsync(IntegrationKind.MangoOffice, ct);
        var json = JsonSerializer.Serialize(new { command_id = "salescrm-" + Guid.NewGuid().ToString("N"), from = new { extension }, to_number = number });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["vpbx_api_key"] = key!, ["sign"] = Integrations.MangoOffice.Sign(key!, json, secrets[0]), ["json"] = json,
        });
        using var response = await http.Client.PostAsync(new Uri(apis.MangoOffice, "commands/callback"), form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        using var answer = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        var result = answer.RootElement.ValueKind == JsonValueKind.Object && answer.RootElement.TryGetProperty("result", out var r)
            ? r.ValueKind == JsonValueKind.Number ? r.GetRawText() : r.ToString()
            : null;
        if (response.IsSuccessStatusCode && result == "1000") return;
        LogRefused(log, MangoOffice, (int)response.StatusCode, body.Length > 500 ? body[..500] : body);
        throw new DomainException(new UserText(response.StatusCode == System.Net.HttpStatusCode.Unauthorized || result is "3102" or "3103"
                ? "{0} не приняла ключ API: администратор проверяет ключ и соль в «Администрирование → Интеграции»."
                : "{0} отказала в звонке (код {1}): проверьте, что добавочный {2} есть в АТС и номер набирается.",
            MangoOffice, result ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), extension));
    }

    /// <summary>Zadarma: a signed <c>GET /v1/request/callback/</c>; the API answers <c>{"status":"success"}</c>.</summary>
    private async Task ZadarmaAsync(string extension, string number, CancellationToken ct)
    {
        var (key, secrets) = await verifier.CredentialsAsync(IntegrationKind.Zadarma, ct);
        const string method = "/v1/request/callback/";
        var query = Integrations.Zadarma.Query(new Dictionary<string, string> { ["from"] = extension, ["to"] = number, ["format"] = "json" });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(apis.Zadarma, method.TrimStart('/') + "?" + query));
        request.Headers.TryAddWithoutValidation("Authorization", $"{key}:{Integrations.Zadarma.ApiSignature(method, query, secrets[0])}");
        using var response = await http.Client.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        using var answer = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        var root = answer.RootElement;
        var status = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var s) ? s.ToString() : null;
        if (response.IsSuccessStatusCode && status == "success") return;
        LogRefused(log, Zadarma, (int)response.StatusCode, body.Length > 500 ? body[..500] : body);
        var message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var m) ? m.ToString() : null;
        throw new DomainException(new UserText(response.StatusCode == System.Net.HttpStatusCode.Unauthorized
                ? "{0} не приняла ключ API: администратор проверяет ключ и секрет в «Администрирование → Интеграции»."
                : "{0} отказала в звонке ({1}): проверьте, что добавочный {2} есть в АТС и номер набирается.",
            Zadarma, message ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), extension));
    }

    private static void LogUnreachable(ILogger logger, Exception ex, string pbx) =>
        logger.LogWarning(ex, "Click-to-call: {Pbx} is unreachable", pbx);

    private static void LogRefused(ILogger logger, string pbx, int status, string body) =>
        logger.LogWarning("Click-to-call: {Pbx} refused the call ({Status}): {Body}", pbx, status, body);
}
