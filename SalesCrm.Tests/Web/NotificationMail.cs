using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Demo;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>With SMTP configured, a person who asked for e-mail gets the notification as a letter; others only in the bell.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class NotificationMail : IAsyncLifetime
{
    private readonly SmtpSink _smtp = new();
    private CrmAppFactory _app = default!;

    public async ValueTask InitializeAsync()
    {
        _app = new CrmAppFactory
        {
            Settings = { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Smtp:BaseUrl"] = "https://crm.example.ru" },
        };
        await _app.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task ANewLeadIsEMailedToItsAssigneeWhoAskedForIt()
    {
        await using (var db = TestDatabase.CreateContext(_app.ConnectionString))
        {
            var m1 = await db.Managers.SingleAsync(m => m.Email == "m1@demo.salescrm");
            m1.SetNotificationPreferences(true, []);
            await db.SaveChangesAsync();
        }
        var client = _app.NewClient();
        async Task<HttpStatusCode> PostAsync(string company, string region)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
            {
                Content = JsonContent.Create(new { company, phone = "+7 495 " + Random.Shared.Next(1_000_000, 9_999_999), region }),
            };
            request.Headers.Add("X-Api-Key", DemoDataGenerator.DemoApiKey);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Created, await PostAsync("ООО «Письмо»", "Москва"));
        var letter = await _smtp.WaitForAsync("m1@demo.salescrm");
        Assert.NotNull(letter);
        Assert.Contains("Subject:", letter);
        Assert.Contains("crm.example.ru", DecodeBody(letter!));

        // m2 did not ask for e-mail: the lead reaches the bell only.
        Assert.Equal(HttpStatusCode.Created, await PostAsync("ООО «Без письма»", "Московская область"));
        await _smtp.WaitForAsync("nobody@example.ru", seconds: 2);
        Assert.DoesNotContain(_smtp.Letters, l => l.To.Contains("m2@demo.salescrm"));
    }

    /// <summary>The body as sent: base64 or quoted-printable UTF-8, or plain.</summary>
    private static string DecodeBody(string data)
    {
        var lines = data.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var blank = lines.IndexOf("");
        var body = lines.Skip(blank + 1).ToList();
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body)));
        }
        catch (FormatException)
        {
            return string.Join("\n", body).Replace("=\n", "", StringComparison.Ordinal);
        }
    }
}
