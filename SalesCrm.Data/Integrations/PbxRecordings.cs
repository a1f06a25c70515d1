using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Data.Integrations;

/// <summary>
/// Where the PBXs' APIs are (the <c>Telephony</c> section): their public addresses unless configured otherwise; and which one
/// places calls from the cards when both are set up (<c>Telephony:ClickToCall</c>: <c>MangoOffice</c>, the default, or <c>Zadarma</c>).
/// </summary>
public sealed class PbxApiOptions(IConfiguration configuration)
{
    public Uri MangoOffice { get; } = new(configuration["Telephony:MangoOfficeApiUrl"] is { Length: > 0 } m ? m.TrimEnd('/') + "/" : "https://app.mango-office.ru/vpbx/");
    public Uri Zadarma { get; } = new(configuration["Telephony:ZadarmaApiUrl"] is { Length: > 0 } z ? z.TrimEnd('/') + "/" : "https://api.zadarma.com/");
    public bool CallsThroughZadarma { get; } = string.Equals(configuration["Telephony:ClickToCall"], "Zadarma", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The PBX did not give a recording: its API is down, refused, or answered something else.</summary>
public sealed class PbxUnavailableException(string message) : Exception(message);

/// <summary>One long-lived client for the PBXs' APIs, following their redirects to the files.</summary>
public sealed class PbxHttp(HttpClient http)
{
    public HttpClient Client { get; } = http;
}

/// <summary>
/// Plays a PBX's recording of a call (decision 0018): the file stays with the PBX and is fetched through its API when somebody
/// who may see the call plays it — Mango Office's <c>queries/recording/post</c> (a redirect to a one-time link), Zadarma's
/// <c>/v1/pbx/record/request/</c> (a link in JSON).
/// </summary>
public sealed class PbxRecordingService(IProviderContextFactory contexts, IUserContext users, IntegrationSecretVerifier verifier, PbxApiOptions apis,
    PbxHttp http)
{
    /// <summary>The recording's audio, for a user who may see its call.</summary>
    public async Task<Stream> OpenAsync(int recordingId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        string reference;
        await using (var db = contexts.Create())
        {
            var recording = await db.PbxRecordings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == recordingId, ct)
                            ?? throw new NotFoundException("Запись не найдена.");
            var call = await db.Activities.AsNoTracking().SingleOrDefaultAsync(a => a.CallId == recording.CallId, ct)
                       ?? throw new NotFoundException("Запись не найдена.");
            if (!await VisibleAsync(db, user, call, ct)) throw new AccessDeniedException("Этот звонок вам недоступен.");
            reference = recording.Reference;
        }
        var colon = reference.IndexOf(':');
        var (vendor, id) = colon > 0 ? (reference[..colon], reference[(colon + 1)..]) : ("", reference);
        try
        {
            return vendor switch
            {
                "mango" => await MangoAsync(id, ct),
                "zadarma" => await ZadarmaAsync(id, ct),
                _ => throw new PbxUnavailableException("Неизвестная АТС записи."),
            };
        }
        catch (HttpRequestException ex)
        {
            throw new PbxUnavailableException($"АТС недоступна: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PbxUnavailableException("АТС не ответила вовремя.");
        }
    }

    /// <summary>A call is seen by who sees its deal, its client, its lead's assignee, or its author.</summary>
    private static async Task<bool> VisibleAsync(CrmDbContext db, CurrentUser user, Activity call, CancellationToken ct)
    {
        if (user.VisibleOwnerIds is null && user.Role != Domain.Teams.StaffRole.Underwriter) return true;
        if (call.DealId is { } deal && await db.Deals.VisibleTo(user, db).AnyAsync(d => d.Id == deal, ct)) return true;
        if (call.ClientId is { } client && await db.Clients.VisibleTo(user, db).AnyAsync(c => c.Id == client, ct)) return true;
        if (user.VisibleOwnerIds is not { } owners) return false;
        if (call.LeadId is { } lead && await db.Leads.AnyAsync(l => l.Id == lead && l.AssigneeId != null && owners.Contains(l.AssigneeId.Value), ct)) return true;
        return owners.Contains(call.AuthorId);
    }

    private async Task<(string Account, string Secret)> CredentialsAsync(IntegrationKind kind, string name, CancellationToken ct)
    {
        var (account, secrets) = await verifier.CredentialsAsync(kind, ct);
        return account is null || secrets.Count == 0 ? throw new PbxUnavailableException($"{name} не настроена: запись не получить.") : (account, secrets[0]);
    }

    private async Task<Stream> MangoAsync(string recordingId, CancellationToken ct)
    {
        var (key, salt) = await CredentialsAsync(IntegrationKind.MangoOffice, "Mango Office", ct);
        var json = JsonSerializer.Serialize(new { recording_id = recordingId, action = "download" });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["vpbx_api_key"] = key, ["sign"] = MangoOffice.Sign(key, json, salt), ["json"] = json,
        });
        // The PBX answers with a redirect to a one-time link to the file; the client follows it.
        var response = await http.Client.PostAsync(new Uri(apis.MangoOffice, "queries/recording/post"), form, ct);
        return await AudioAsync(response, "Mango Office", ct);
    }

    private async Task<Stream> ZadarmaAsync(string callIdWithRecording, CancellationToken ct)
    {
        var (key, secret) = await CredentialsAsync(IntegrationKind.Zadarma, "Zadarma", ct);
        const string method = "/v1/pbx/record/request/";
        var query = Zadarma.Query(new Dictionary<string, string> { ["call_id"] = callIdWithRecording, ["format"] = "json" });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(apis.Zadarma, method.TrimStart('/') + "?" + query));
        request.Headers.TryAddWithoutValidation("Authorization", $"{key}:{Zadarma.ApiSignature(method, query, secret)}");
        using var answer = await http.Client.SendAsync(request, ct);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!answer.IsSuccessStatusCode || body.ValueKind != JsonValueKind.Object || body.GetProperty("status").GetString() != "success"
            || !body.TryGetProperty("link", out var link) || link.GetString() is not { Length: > 0 } url)
            throw new PbxUnavailableException($"Zadarma не отдала запись (ответ {(int)answer.StatusCode}).");
        return await AudioAsync(await http.Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct), "Zadarma", ct);
    }

    private static async Task<Stream> AudioAsync(HttpResponseMessage response, string name, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType?.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) != true)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new PbxUnavailableException(string.Create(CultureInfo.InvariantCulture, $"{name} не отдала запись (ответ {status})."));
        }
        return await response.Content.ReadAsStreamAsync(ct);
    }
}
