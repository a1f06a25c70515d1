using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Demo;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>
/// POST /api/leads through the real app in memory on its own demo database: keys, validation with field messages,
/// de-duplication by INN, phone and e-mail, Idempotency-Key, distribution by the rules.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class LeadsApi(CrmAppFactory app) : IClassFixture<CrmAppFactory>
{
    private static int _seq = Random.Shared.Next(1_000_000, 9_000_000);

    /// <summary>A fresh, valid 10-digit INN of a Moscow company, a phone and an e-mail nobody has used.</summary>
    private static (string Inn, string Phone, string Email) Fresh()
    {
        var n = Interlocked.Increment(ref _seq);
        return (Inn.Complete("77" + n.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)),
            "+7 495 " + n.ToString("D7", System.Globalization.CultureInfo.InvariantCulture), $"buyer{n}@example.ru");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string? key = DemoDataGenerator.DemoApiKey,
        string? idempotencyKey = null) =>
        await SendAsync(client, JsonContent.Create(body), key, idempotencyKey);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpContent content, string? key = DemoDataGenerator.DemoApiKey,
        string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = content };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string[]> ErrorsAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out var list), $"no error for «{field}»: {json}");
        return list.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    private async Task<int> ManagerIdAsync(string email)
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        return await db.Managers.Where(m => m.Email == email).Select(m => m.Id).SingleAsync();
    }

    private async Task<int> LeadsWithInnAsync(string inn)
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        return await db.Leads.CountAsync(l => l.Inn == inn);
    }

    [Fact]
    public async Task ANewLeadIsCreatedAndAssignedByTerritoryWithTheExplanationStored()
    {
        var (inn, phone, email) = Fresh();
        var response = await PostAsync(app.NewClient(), new
        {
            company = "ООО «Тестовый завод»", inn, contactName = "Иванов Пётр", phone, email, product = "property", channel = "website",
            region = "Москва", tags = new Dictionary<string, string> { ["utm_source"] = "yandex", ["utm_campaign"] = "winter" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("lead", json.GetProperty("type").GetString());
        Assert.False(json.GetProperty("duplicate").GetBoolean());
        var m1 = await ManagerIdAsync("m1@demo.salescrm");
        Assert.Equal(m1, json.GetProperty("assignedTo").GetInt32());

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var id = json.GetProperty("id").GetInt32();
        var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == id);
        Assert.Equal(m1, lead.AssigneeId);
        Assert.Equal("yandex", lead.SourceTags["utm_source"]);
        var assignment = await db.Assignments.AsNoTracking().SingleAsync(a => a.LeadId == id);
        Assert.Equal(AssignmentReason.Territory, assignment.Reason);
        Assert.Null(assignment.ByManagerId);
        Assert.StartsWith("территория: Москва", assignment.Rule);
        Assert.Matches(@"загрузка \d+/\d+", assignment.Rule);
        Assert.True(await db.Notifications.AnyAsync(n => n.RecipientId == m1 && n.Title.Contains("Тестовый завод")));
    }

    [Fact]
    public async Task ADuplicateByEachKeyReturnsTheKnownLeadAndCreatesNothing()
    {
        var client = app.NewClient();
        var (inn, phone, email) = Fresh();
        var first = await JsonAsync(await PostAsync(client, new { company = "ООО «Дубль»", inn, phone, email, region = "Москва" }));
        var id = first.GetProperty("id").GetInt32();

        var (_, otherPhone, otherEmail) = Fresh();
        var byInn = await PostAsync(client, new { company = "Дубль", inn = " " + inn + " ", phone = otherPhone });
        // The same phone written another way, and the same e-mail in capitals.
        var digits = new string(phone.Where(char.IsDigit).ToArray());
        var byPhone = await PostAsync(client, new { phone = "8 (" + digits[1..4] + ") " + digits[4..7] + "-" + digits[7..9] + "-" + digits[9..] });
        var byEmail = await PostAsync(client, new { email = email.ToUpperInvariant(), phone = (string?)null });

        foreach (var response in new[] { byInn, byPhone, byEmail })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await JsonAsync(response);
            Assert.Equal(id, json.GetProperty("id").GetInt32());
            Assert.True(json.GetProperty("duplicate").GetBoolean());
        }
        Assert.Equal(1, await LeadsWithInnAsync(inn));
        _ = otherEmail;
    }

    [Fact]
    public async Task AKnownClientIsReturnedAsTheClientAndItsOwnerIsTold()
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var known = await db.Clients.AsNoTracking().Where(c => c.Inn != null).OrderBy(c => c.Id).Select(c => new { c.Id, c.Inn, c.Name, c.OwnerId }).FirstAsync();
        var before = await db.Notifications.CountAsync(n => n.RecipientId == known.OwnerId);

        var response = await PostAsync(app.NewClient(), new { company = known.Name, inn = known.Inn! });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("client", json.GetProperty("type").GetString());
        Assert.Equal(known.Id, json.GetProperty("clientId").GetInt32());
        Assert.True(json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(0, await db.Leads.CountAsync(l => l.Inn == known.Inn && l.CreatedAt > DateTime.UtcNow.AddMinutes(-5)));
        Assert.True(await db.Notifications.CountAsync(n => n.RecipientId == known.OwnerId) > before);
    }

    [Fact]
    public async Task TheSameIdempotencyKeyTwiceGivesTheSameAnswerAndOneLead()
    {
        var client = app.NewClient();
        var (inn, phone, _) = Fresh();
        var key = Guid.NewGuid().ToString();
        var first = await PostAsync(client, new { company = "ООО «Повтор»", inn, phone }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        // A retry with the same key and the same lead is the same request, however the JSON was laid out.
        var again = await PostAsync(client, new { phone, inn, company = "ООО «Повтор»" }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await JsonAsync(first)).GetProperty("id").GetInt32(), (await JsonAsync(again)).GetProperty("id").GetInt32());
        Assert.Equal(1, await LeadsWithInnAsync(inn));
        // The same key with another lead is refused, not answered with the first one (nothing lost silently).
        var (otherInn, otherPhone, _) = Fresh();
        var other = await PostAsync(client, new { company = "ООО «Повтор»", inn = otherInn, phone = otherPhone }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal(0, await LeadsWithInnAsync(otherInn));

        var tooLong = await PostAsync(client, new { phone = Fresh().Phone }, idempotencyKey: new string('k', 101));
        Assert.Contains("100", (await ErrorsAsync(tooLong, "idempotencyKey"))[0]);
    }

    [Fact]
    public async Task BadJsonIsA400WithAMessageInRussian()
    {
        var client = app.NewClient();
        var broken = await SendAsync(client, new StringContent("{\"company\": \"ООО\", ", Encoding.UTF8, "application/json"));
        Assert.Contains("JSON", (await ErrorsAsync(broken, "body"))[0]);

        var wrongType = await SendAsync(client, new StringContent("{\"inn\": 7707083893}", Encoding.UTF8, "application/json"));
        Assert.Contains("ожидается строка", (await ErrorsAsync(wrongType, "inn"))[0]);

        var array = await SendAsync(client, new StringContent("[1,2]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, array.StatusCode);

        var notJson = await SendAsync(client, new StringContent("company=ООО", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Contains("Content-Type", (await ErrorsAsync(notJson, "body"))[0]);
    }

    [Fact]
    public async Task MissingContactsAndInvalidFieldsAreReportedFieldByFieldAndNothingIsSaved()
    {
        var client = app.NewClient();
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var before = await db.Leads.CountAsync();

        var empty = await PostAsync(client, new { company = "ООО «Без контактов»" });
        Assert.Contains("телефон, e-mail или ИНН", (await ErrorsAsync(empty, "phone"))[0]);

        var invalid = await PostAsync(client, new { inn = "7707083890", email = "not-an-email", channel = "pigeon", product = "no-such" });
        var json = await JsonAsync(invalid);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = json.GetProperty("errors");
        Assert.Contains("контрольн", errors.GetProperty("inn")[0].GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("channel", out _));
        Assert.Contains("no-such", errors.GetProperty("product")[0].GetString());

        Assert.Equal(before, await db.Leads.CountAsync());
    }

    [Fact]
    public async Task AMissingOrWrongKeyIs401AndARevokedKeyIs403()
    {
        var client = app.NewClient();
        var body = new { phone = Fresh().Phone };
        var missing = await PostAsync(client, body, key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("X-Api-Key", (await JsonAsync(missing)).GetProperty("errors").GetProperty("apiKey")[0].GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(client, body, key: "wrong-key")).StatusCode);

        const string revoked = "revoked-key-of-an-old-partner";
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var head = await db.Managers.Where(m => m.Email == "head@demo.salescrm").Select(m => m.Id).SingleAsync();
            var key = new ApiKey("Старый партнёр", revoked, head, DateTime.UtcNow.AddDays(-30));
            key.Revoke(DateTime.UtcNow.AddDays(-1));
            db.ApiKeys.Add(key);
            await db.SaveChangesAsync();
        }
        var refused = await PostAsync(client, body, key: revoked);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("отозван", (await JsonAsync(refused)).GetProperty("errors").GetProperty("apiKey")[0].GetString());
    }
}

/// <summary>The per-key rate limit answers 429 with Retry-After, and the refused requests leave nothing behind.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class LeadsApiRateLimit : IAsyncLifetime
{
    private readonly CrmAppFactory _app = new() { Settings = { ["Api:LeadsPerSecond"] = "1", ["Api:LeadsBurst"] = "2" } };

    public ValueTask InitializeAsync() => _app.InitializeAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task TooManyRequestsWithOneKeyAre429()
    {
        var client = _app.NewClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
            {
                Content = JsonContent.Create(new { phone = "+7 495 000-00-" + (10 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            };
            request.Headers.Add("X-Api-Key", DemoDataGenerator.DemoApiKey);
            var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response;
        }
        Assert.NotNull(limited);
        Assert.True(limited!.Headers.RetryAfter is not null, "Retry-After is missing");
        Assert.Contains("Слишком много запросов", await limited.Content.ReadAsStringAsync());
        await using var db = TestDatabase.CreateContext(_app.ConnectionString);
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.Created), await db.Leads.CountAsync(l => l.PhoneNormalized != null && l.PhoneNormalized.StartsWith("749500000")));
    }
}
