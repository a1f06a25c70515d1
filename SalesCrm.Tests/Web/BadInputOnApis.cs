using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SalesCrm.Data.Demo;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The bad-input catalogue of the HTTP surface, through the whole app in memory: the inbound leads API and the telephony
/// API get broken JSON, values of the wrong type, Windows-1251 instead of UTF-8, bodies over the limit (with and without a
/// Content-Length), absurd dates, script links; the sign-in form gets empty and oversized fields; every page and export
/// gets query strings that are not what it expects. Each answer is a 4xx with a Russian message naming the field (or a
/// page that falls back to its defaults), never a 500 or an exception's text — and the database fingerprint is unchanged.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class BadInputOnApis(CrmAppFactoryWithoutJobs app) : IClassFixture<CrmAppFactoryWithoutJobs>
{
    /// <summary>An API call, what is wrong with it, the request, and the answer it must get.</summary>
    public sealed record Case(string Api, string Input, Func<HttpRequestMessage> Request, HttpStatusCode Status, string Field, string Message);

    private static readonly Encoding Windows1251 = CodePages();

    private static Encoding CodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1251);
    }

    private static HttpRequestMessage Lead(string json, string contentType = "application/json", Encoding? encoding = null, Action<HttpRequestMessage>? tweak = null) =>
        Lead((encoding ?? Encoding.UTF8).GetBytes(json), contentType, tweak);

    private static HttpRequestMessage Lead(byte[] body, string contentType = "application/json", Action<HttpRequestMessage>? tweak = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, SalesCrm.Web.Api.LeadsApi.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Api-Key", DemoDataGenerator.DemoApiKey);
        tweak?.Invoke(request);
        return request;
    }

    /// <summary>A telephony event signed with the demo secret over exactly these bytes.</summary>
    private static HttpRequestMessage Call(byte[] body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TelephonyApi.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add(TelephonyApi.SignatureHeader, "sha256=" + TelephonyApi.Sign("demo-telephony-secret", body));
        return request;
    }

    private static HttpRequestMessage Call(string json) => Call(Encoding.UTF8.GetBytes(json));

    private static string CallJson(string startedAt = "\"2026-11-23T09:00:00Z\"", string duration = "95", string callId = "\"bad-1\"",
        string recording = "null", string ev = "\"ended\"", string from = "\"+7 495 123-45-67\"") =>
        $$"""{"callId":{{callId}},"event":{{ev}},"direction":"inbound","from":{{from}},"to":"+7 495 100-00-00","startedAt":{{startedAt}},"durationSeconds":{{duration}},"recordingUrl":{{recording}}}""";

    private const string ValidLead = """{"company":"ООО «Ромашка»","phone":"+7 495 321-54-76"}""";
    private static readonly string Padding = new('x', 70 * 1024);

    public static readonly IReadOnlyList<Case> Cases =
    [
        new("POST /api/leads", "пустое тело", () => Lead(""), HttpStatusCode.BadRequest, "body", "не корректный JSON"),
        new("POST /api/leads", "NUL в компании", () => Lead("""{"company":"ООО \u0000 Ромашка","phone":"+7 495 321-54-76"}"""), HttpStatusCode.BadRequest, "company", "невидимые или управляющие"),
        new("POST /api/leads", "разворот текста в имени", () => Lead("""{"contactName":"\u202Eнав\u0418","phone":"+7 495 321-54-76"}"""), HttpStatusCode.BadRequest, "contactName", "невидимые или управляющие"),
        new("POST /api/leads", "null", () => Lead("null"), HttpStatusCode.BadRequest, "body", "Пустая заявка"),
        new("POST /api/leads", "пустой объект", () => Lead("{}"), HttpStatusCode.BadRequest, "phone", "телефон, e-mail или ИНН"),
        new("POST /api/leads", "форма вместо JSON", () => Lead("company=Ромашка&phone=123", "application/x-www-form-urlencoded"), HttpStatusCode.BadRequest, "body", "Ожидается JSON"),
        new("POST /api/leads", "оборванный JSON", () => Lead("""{"company":"ООО «Ромашка»","phone":"""), HttpStatusCode.BadRequest, "body", "не корректный JSON"),
        new("POST /api/leads", "массив вместо объекта", () => Lead("[1,2,3]"), HttpStatusCode.BadRequest, "body", "не корректный JSON"),
        new("POST /api/leads", "ИНН числом", () => Lead("""{"inn":7707083893}"""), HttpStatusCode.BadRequest, "inn", "ожидается строка"),
        new("POST /api/leads", "метки с числом", () => Lead("""{"phone":"+7 495 321-54-76","tags":{"utm_source":5}}"""), HttpStatusCode.BadRequest, "tags", "все значения которого — строки"),
        new("POST /api/leads", "компания 301 символ", () => Lead($$"""{"company":"{{new string('К', 301)}}","phone":"+7 495 321-54-76"}"""), HttpStatusCode.BadRequest, "company", "длиннее 300"),
        new("POST /api/leads", "телефон буквами", () => Lead("""{"phone":"позвоните мне"}"""), HttpStatusCode.BadRequest, "phone", "елефон"),
        new("POST /api/leads", "ИНН с неверной контрольной суммой", () => Lead("""{"inn":"7707083894"}"""), HttpStatusCode.BadRequest, "inn", "ИНН"),
        new("POST /api/leads", "Windows-1251 с charset", () => Lead(ValidLead, "application/json; charset=windows-1251", Windows1251), HttpStatusCode.BadRequest, "body", "в UTF-8"),
        new("POST /api/leads", "Windows-1251 без charset", () => Lead(ValidLead, encoding: Windows1251), HttpStatusCode.BadRequest, "body", "UTF-8"),
        new("POST /api/leads", "больше 64 КБ", () => Lead($$"""{"phone":"+7 495 321-54-76","comment":"{{Padding}}"}"""), HttpStatusCode.RequestEntityTooLarge, "body", "не больше 64 КБ"),
        new("POST /api/leads", "больше 64 КБ без Content-Length", () => Lead(ValidLead, tweak: r => r.Content = new UnknownLength(Encoding.UTF8.GetBytes(
            $$"""{"phone":"+7 495 321-54-76","comment":"{{Padding}}"}"""), "application/json")), HttpStatusCode.RequestEntityTooLarge, "body", "не больше 64 КБ"),
        new("POST /api/leads", "вложенность 1000 уровней", () => Lead(new string('[', 1000) + new string(']', 1000)), HttpStatusCode.BadRequest, "body", "не корректный JSON"),
        new("POST /api/leads", "Idempotency-Key 101 символ", () => Lead(ValidLead, tweak: r => r.Headers.Add("Idempotency-Key", new string('k', 101))), HttpStatusCode.BadRequest, "idempotencyKey", "не длиннее 100"),
        new("POST /api/leads", "неизвестный продукт", () => Lead("""{"phone":"+7 495 321-54-76","product":"страхование луны"}"""), HttpStatusCode.BadRequest, "product", "Неизвестный продукт"),
        new("POST /api/leads", "неизвестный канал", () => Lead("""{"phone":"+7 495 321-54-76","channel":"голубь"}"""), HttpStatusCode.BadRequest, "channel", "канал"),
        new("POST /api/leads", "300 меток", () => Lead(JsonSerializer.Serialize(new { phone = "+7 495 321-54-76", tags = Enumerable.Range(0, 300).ToDictionary(i => $"utm_{i}", i => "x") })),
            HttpStatusCode.BadRequest, "tags", "Слишком много меток"),

        new("POST /api/telephony/events", "оборванный JSON", () => Call("""{"callId":"c-1","event":"""), HttpStatusCode.BadRequest, "body", "не корректный JSON"),
        new("POST /api/telephony/events", "длительность строкой", () => Call(CallJson(duration: "\"полторы минуты\"")), HttpStatusCode.BadRequest, "durationSeconds", "целое число"),
        new("POST /api/telephony/events", "начало «вчера»", () => Call(CallJson(startedAt: "\"вчера\"")), HttpStatusCode.BadRequest, "startedAt", "дата и время"),
        new("POST /api/telephony/events", "начало в 9999 году", () => Call(CallJson(startedAt: "\"9999-12-31T00:00:00Z\"")), HttpStatusCode.BadRequest, "startedAt", "в будущем"),
        new("POST /api/telephony/events", "начало в 1900 году", () => Call(CallJson(startedAt: "\"1900-01-01T00:00:00Z\"")), HttpStatusCode.BadRequest, "startedAt", "слишком давнее"),
        new("POST /api/telephony/events", "длительность −5 с", () => Call(CallJson(duration: "-5")), HttpStatusCode.BadRequest, "durationSeconds", "от 0 до 86400"),
        new("POST /api/telephony/events", "без идентификатора звонка", () => Call(CallJson(callId: "\"  \"")), HttpStatusCode.BadRequest, "callId", "идентификатор звонка"),
        new("POST /api/telephony/events", "идентификатор 101 символ", () => Call(CallJson(callId: $"\"{new string('c', 101)}\"")), HttpStatusCode.BadRequest, "callId", "до 100 символов"),
        new("POST /api/telephony/events", "запись javascript:", () => Call(CallJson(recording: "\"javascript:alert(1)\"")), HttpStatusCode.BadRequest, "recordingUrl", "http(s)"),
        new("POST /api/telephony/events", "событие «hangup»", () => Call(CallJson(ev: "\"hangup\"")), HttpStatusCode.BadRequest, "event", "started, answered, ended или missed"),
        new("POST /api/telephony/events", "номер из букв", () => Call(CallJson(from: "\"аноним\"")), HttpStatusCode.BadRequest, "from", "Номер собеседника не распознан"),
        new("POST /api/telephony/events", "ссылка на запись 1500 символов", () => Call(CallJson(recording: $"\"https://pbx.example.ru/{new string('r', 1500)}.mp3\"")), HttpStatusCode.BadRequest, "recordingUrl", "длиннее 1000"),
        new("POST /api/telephony/events", "больше 64 КБ", () => Call(Encoding.UTF8.GetBytes(CallJson(from: $"\"{Padding}\""))), HttpStatusCode.RequestEntityTooLarge, "body", "не больше 64 КБ"),
        new("POST /api/telephony/events", "Windows-1251", () => Call(Windows1251.GetBytes(CallJson(from: "\"Иванов\""))), HttpStatusCode.BadRequest, "body", "UTF-8"),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => $"{c.Api} · {c.Input}")];

    private async Task<string> FingerprintAsync()
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        return await DatabaseFingerprint.TakeAsync(db);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task IsAnsweredWithARussianMessageOnTheFieldAndWritesNothing(string name)
    {
        var c = Cases.Single(x => $"{x.Api} · {x.Input}" == name);
        using var client = app.NewClient();
        var before = await FingerprintAsync();
        using var request = c.Request();
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(c.Status == response.StatusCode, $"{name}: {(int)response.StatusCode} {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(c.Field, out var messages), $"{name}: no error on «{c.Field}»: {text}");
        var message = string.Join(" ", messages.EnumerateArray().Select(m => m.GetString()));
        Assert.Contains(c.Message, message, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("[А-Яа-яЁё]", message);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.Equal(before, await FingerprintAsync());
    }

    /// <summary>The sign-in form (static rendering, antiforgery): the field's message comes back on the page, nothing is written.</summary>
    [Theory]
    [InlineData("", "", "Введите e-mail.")]
    [InlineData("head@demo.salescrm", "", "Введите пароль.")]
    [InlineData("не почта", "Demo123!", "Введите e-mail в формате")]
    [InlineData("@@@", "x", "Введите e-mail в формате")]
    public async Task TheSignInFormAnswersBadFieldsOnThePage(string email, string password, string expected)
    {
        using var client = app.NewClient();
        await client.GetStringAsync("/login"); // the key ring's first key is made by the first form
        var before = await FingerprintAsync();
        var response = await SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(expected, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task TheSignInFormAnswersAHugeEmailAndPasswordOnThePage()
    {
        using var client = app.NewClient();
        var response = await SignInAsync(client, new string('a', 5000) + "@demo.salescrm", new string('p', 5000));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("E-mail слишком длинный.", page);
        Assert.Contains("Пароль слишком длинный.", page);
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["Input.Email"] = email, ["Input.Password"] = password,
        }));
    }

    /// <summary>
    /// Query strings are input too: letters where a number goes, values outside the lists, dates that do not exist or are
    /// centuries away, script. Each page and export falls back to its defaults or says what is wrong — never a 500.
    /// </summary>
    [Theory]
    [InlineData("/deals?page=-5&stage=Nope&sort=DROP%20TABLE&owner=abc&product=1e9")]
    [InlineData("/deals?q=%3Cscript%3Ealert(1)%3C/script%3E")]
    [InlineData("/deals/abc")]
    [InlineData("/deals/99999999999")]
    [InlineData("/deals/-1")]
    [InlineData("/clients/0")]
    [InlineData("/clients?page=999999999&q=%00%01")]
    [InlineData("/leads?page=-1&status=Nope&channel=99")]
    [InlineData("/dashboard?from=abc&to=2026-13-45&period=x&team=abc")]
    [InlineData("/dashboard?from=9999-01-01&to=0001-01-01")]
    [InlineData("/reports?period=custom&from=9999-12-31&to=0001-01-01")]
    [InlineData("/reports?period=week&at=not-a-date&team=-7")]
    [InlineData("/pipeline?owner=abc&product=-1&team=9999")]
    [InlineData("/pipeline?team=abc")]
    [InlineData("/team?period=q9&at=abc&team=x")]
    [InlineData("/team/abc")]
    [InlineData("/team/999999")]
    [InlineData("/renewals?days=-30&period=abc")]
    [InlineData("/quality?team=abc&rule=Nope")]
    [InlineData("/diagnostics?team=abc&period=x&before=2026-99&after=abc")]
    [InlineData("/approvals?view=nope&id=abc")]
    [InlineData("/tasks?who=abc&view=nope")]
    [InlineData("/export/deals.xlsx?stage=99&sort=Nope&desc=maybe&owner=-1")]
    [InlineData("/export/leads.xlsx?page=abc&status=Nope")]
    [InlineData("/export/report.xlsx?period=abc&from=9999-99-99&team=x")]
    [InlineData("/export/diagnostics.xlsx?before=abc&after=2026-13")]
    [InlineData("/export/renewals.xlsx?days=-1")]
    [InlineData("/export/archive/999999")]
    public async Task APageOrExportWithAWrongQueryStringNeverFails(string url)
    {
        using var client = app.NewClient();
        await CrmAppFactory.SignInAsync(client, "head@demo.salescrm");
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{url}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 500)]}");
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("correct format", body, StringComparison.Ordinal); // a parser's English message shown as the page's error
        Assert.DoesNotContain("<script>alert(1)", body, StringComparison.OrdinalIgnoreCase);
        if (response.StatusCode == HttpStatusCode.BadRequest) Assert.Matches("[А-Яа-яЁё]", body);
    }

    /// <summary>
    /// HTML, script and spreadsheet formulas are not refused — «ООО <Ромашка>» is a real company name — they are kept as
    /// the text they are: the page shows them escaped, and the Excel export writes them as text cells, never as markup or
    /// as a formula that Excel would run.
    /// </summary>
    [Fact]
    public async Task HtmlScriptAndFormulasInTextAreKeptAsTextOnThePageAndInExcel()
    {
        const string company = "<script>alert('xss')</script> ООО «Скрипт»";
        const string contact = "=HYPERLINK(\"http://evil.example\",\"Нажми\")";
        using var client = app.NewClient();
        using var post = Lead(JsonSerializer.Serialize(new { company, phone = "+7 495 700-70-70", contactName = contact, comment = "<img src=x onerror=alert(1)>" }));
        var created = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();

        await CrmAppFactory.SignInAsync(client, "head@demo.salescrm");
        var page = await client.GetStringAsync($"/leads?id={id}");
        Assert.Contains("&lt;script&gt;alert(", page);
        Assert.DoesNotContain("<script>alert(", page);
        Assert.DoesNotContain("<img src=x", page);

        var xlsx = await client.GetByteArrayAsync("/export/leads.xlsx?q=" + Uri.EscapeDataString("Скрипт"));
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(xlsx));
        var sheet = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()).ReadToEnd();
        Assert.Contains("&lt;script&gt;alert(", sheet);
        Assert.Contains("=HYPERLINK(", sheet); // the contact column holds the formula's text…
        Assert.DoesNotContain("<f>", sheet);   // …and no cell is a formula
    }

    /// <summary>A body that does not say how long it is, so it goes chunked and only a capped read can stop it.</summary>
    private sealed class UnknownLength : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLength(byte[] bytes, string contentType)
        {
            _bytes = bytes;
            Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
