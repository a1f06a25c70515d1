using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Demo;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Website forms through HTTP against the app: Tilda's webhook as its documentation describes it (form-encoded fields named by
/// the site, the connection test, retries of one sending by <c>tranid</c>, the API key in the header, the body or the address,
/// UTM tags in its cookie), and a form of the administration (its field mapping, the hidden field bots fill, the limit per
/// address, the embeddable script).
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class WebsiteForms(CrmAppFactory app) : IClassFixture<CrmAppFactory>
{
    private static string Unique() => Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<HttpResponseMessage> TildaAsync(Dictionary<string, string> fields, string? key = DemoDataGenerator.DemoApiKey, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, FormsApi.TildaPath + query) { Content = new FormUrlEncodedContent(fields) };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return await app.NewClient().SendAsync(request);
    }

    private async Task<Lead?> LeadByPhoneAsync(string digits)
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        return await db.Leads.AsNoTracking().Where(l => l.PhoneNormalized == digits).SingleOrDefaultAsync();
    }

    [Fact]
    public async Task TildasConnectionTestIsAnsweredAndItsSendingBecomesOneLeadWithItsTags()
    {
        var test = await TildaAsync(new() { ["test"] = "test" }, key: null);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        Assert.Equal("ok", await test.Content.ReadAsStringAsync());

        var phone = "7916" + Unique()[..7];
        var sending = new Dictionary<string, string>
        {
            ["Name"] = "Ирина Соколова", ["Phone"] = "+7 (916) " + phone[4..7] + "-" + phone[7..9] + "-" + phone[9..], ["Email"] = $"irina{phone}@example.ru",
            ["Компания"] = "ООО «Тильда Тест»", ["Comments"] = "Нужна страховка склада", ["Checkbox"] = "yes",
            ["tranid"] = "8114470:" + Unique(), ["formid"] = "form571166442", ["formname"] = "Заявка с лендинга",
            ["COOKIES"] = "_ym_uid=1; TILDAUTM=utm_source%3Dyandex%7C%7C%7Cutm_medium%3Dcpc%7C%7C%7Cutm_campaign%3Dsklad; tildasid=2",
        };
        var sent = await TildaAsync(sending);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("ok", await sent.Content.ReadAsStringAsync());
        // Tilda repeats a sending it did not see answered in time: the same tranid is taken once.
        Assert.Equal(HttpStatusCode.OK, (await TildaAsync(sending)).StatusCode);

        var lead = await LeadByPhoneAsync(phone);
        Assert.NotNull(lead);
        Assert.Equal(LeadChannel.Website, lead.Channel);
        Assert.Equal("Ирина Соколова", lead.ContactName);
        Assert.Equal("ООО «Тильда Тест»", lead.CompanyName);
        Assert.StartsWith("Нужна страховка склада", lead.Comment);
        Assert.Contains("Checkbox: yes", lead.Comment);
        Assert.Equal("yandex", lead.SourceTags["utm_source"]);
        Assert.Equal("cpc", lead.SourceTags["utm_medium"]);
        Assert.Equal("sklad", lead.SourceTags["utm_campaign"]);
        Assert.Equal("Tilda: Заявка с лендинга", lead.SourceTags["form"]);
    }

    [Fact]
    public async Task TildaWithoutAValidKeyIsRefusedAndASendingWithoutContactsIs400()
    {
        var phone = "7917" + Unique()[..7];
        var fields = new Dictionary<string, string> { ["Name"] = "Без ключа", ["Phone"] = phone, ["tranid"] = "1:" + Unique() };
        Assert.Equal(HttpStatusCode.Unauthorized, (await TildaAsync(fields, key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TildaAsync(fields, key: "not-a-key")).StatusCode);
        Assert.Null(await LeadByPhoneAsync(phone));

        // The key in the body or in the address, as Tilda's settings allow.
        Assert.Equal(HttpStatusCode.OK, (await TildaAsync(new(fields) { ["api_key"] = DemoDataGenerator.DemoApiKey }, key: null)).StatusCode);
        var other = "7917" + Unique()[..7];
        Assert.Equal(HttpStatusCode.OK, (await TildaAsync(new() { ["Phone"] = other, ["tranid"] = "2:" + Unique() }, key: null,
            query: "?key=" + Uri.EscapeDataString(DemoDataGenerator.DemoApiKey))).StatusCode);
        Assert.NotNull(await LeadByPhoneAsync(phone));
        Assert.NotNull(await LeadByPhoneAsync(other));

        var empty = await TildaAsync(new() { ["Name"] = "Только имя", ["tranid"] = "3:" + Unique() });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("телефон", (await empty.Content.ReadAsStringAsync()).ToLowerInvariant());
    }

    private async Task<WebForm> FormAsync(Dictionary<string, string> mapping)
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var form = new WebForm("Калькулятор КАСКО " + Unique(), DateTime.UtcNow);
        form.Map(mapping);
        db.WebForms.Add(form);
        await db.SaveChangesAsync();
        return form;
    }

    private async Task<HttpResponseMessage> SendAsync(string key, Dictionary<string, string> fields, string address = "203.0.113.7")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, FormsApi.FormPrefix + key) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Accept", "application/json");
        request.Headers.Add(CrmAppFactory.CallerAddress.Header, address);
        return await app.NewClient().SendAsync(request);
    }

    [Fact]
    public async Task AFormsSendingIsReadWithItsMappingAndBotsAndFloodsLeaveNothing()
    {
        var form = await FormAsync(new() { ["your-tel"] = "phone", ["org"] = "company", ["src"] = "tag:source", ["agree"] = "ignore" });
        var phone = "7926" + Unique()[..7];
        var sent = await SendAsync(form.PublicKey, new()
        {
            ["your-tel"] = phone, ["org"] = "АО «Формы»", ["src"] = "партнёр", ["agree"] = "on", ["name"] = "Олег",
            ["utm_source"] = "google", ["page"] = "https://insurer.example.ru/kasko?utm_source=google", ["submission_id"] = Guid.NewGuid().ToString(),
        });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("*", sent.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var answer = await sent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("ok").GetBoolean());
        Assert.Contains("Спасибо", answer.GetProperty("message").GetString());
        var lead = await LeadByPhoneAsync(phone);
        Assert.NotNull(lead);
        Assert.Equal("АО «Формы»", lead.CompanyName);
        Assert.Equal("Олег", lead.ContactName);
        Assert.Equal("партнёр", lead.SourceTags["source"]);
        Assert.Equal("google", lead.SourceTags["utm_source"]);
        Assert.Equal(form.Name, lead.SourceTags["form"]);
        Assert.Equal("https://insurer.example.ru/kasko?utm_source=google", lead.SourceTags["page"]);
        Assert.DoesNotContain("agree", lead.Comment ?? "");
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var counted = await db.WebForms.AsNoTracking().SingleAsync(f => f.Id == form.Id);
            Assert.Equal(1, counted.Leads);
            Assert.NotNull(counted.LastLeadAt);
        }

        // A bot fills the hidden field: answered as a person, nothing kept.
        var botPhone = "7926" + Unique()[..7];
        var bot = await SendAsync(form.PublicKey, new() { ["your-tel"] = botPhone, [FormsApi.Honeypot] = "http://spam.example" }, "198.51.100.9");
        Assert.Equal(HttpStatusCode.OK, bot.StatusCode);
        Assert.Null(await LeadByPhoneAsync(botPhone));

        // Bad input: the reason, in Russian, and nothing kept.
        var bad = await SendAsync(form.PublicKey, new() { ["name"] = "Без контактов" }, "198.51.100.10");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.False((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());

        // One address sends at most ten in ten minutes.
        var flood = Enumerable.Range(0, 12).Select(_ => "7927" + Unique()[..7]).ToList();
        var statuses = new List<HttpStatusCode>();
        foreach (var p in flood) statuses.Add((await SendAsync(form.PublicKey, new() { ["your-tel"] = p }, "198.51.100.11")).StatusCode);
        Assert.Equal(SalesCrm.Data.Leads.FormSpamGuard.PerTenMinutes, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Null(await LeadByPhoneAsync(flood[^1]));

        // A form nobody has, or one switched off: 404.
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync("no-such-form", new() { ["phone"] = phone })).StatusCode);
    }

    [Fact]
    public async Task TheEmbeddableScriptPostsToItsFormAndAPlainFormGetsAPage()
    {
        var form = await FormAsync(new());
        var script = await app.NewClient().GetAsync($"/forms/{form.PublicKey}.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        var code = await script.Content.ReadAsStringAsync();
        Assert.Contains(FormsApi.FormPrefix + form.PublicKey, code);
        Assert.Contains(FormsApi.Honeypot, code);
        Assert.Equal(HttpStatusCode.NotFound, (await app.NewClient().GetAsync("/forms/nothing-here.js")).StatusCode);

        // A site's own HTML form posting here: a page in Russian, not JSON.
        var phone = "7925" + Unique()[..7];
        using var request = new HttpRequestMessage(HttpMethod.Post, FormsApi.FormPrefix + form.PublicKey)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["phone"] = phone, ["name"] = "Анна" }),
        };
        request.Headers.Add(CrmAppFactory.CallerAddress.Header, "192.0.2.44");
        var page = await app.NewClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Спасибо", await page.Content.ReadAsStringAsync());
        Assert.NotNull(await LeadByPhoneAsync(phone));
    }
}
