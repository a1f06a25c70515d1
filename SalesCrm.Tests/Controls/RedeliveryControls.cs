using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data;
using SalesCrm.Data.Demo;
using SalesCrm.Data.Integrations;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// Redelivery never duplicates and never loses: one call is one activity under any number of concurrent
/// deliveries, enforced by the database; an Idempotency-Key reused with another body is refused with 422, not answered
/// as a repeat of the first lead.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class RedeliveryControls(CrmAppFactoryWithoutJobs app) : IClassFixture<CrmAppFactoryWithoutJobs>
{
    [Fact]
    public async Task TwentyConcurrentDeliveriesOfOneCallAreOneActivity()
    {
        await using (var db = app.Services.GetRequiredService<IProviderContextFactory>().Create())
        {
            var phone = await db.Contacts.Where(c => c.PhoneNormalized != null).Select(c => c.Phone).FirstAsync();
            var callId = "redelivery-" + Guid.NewGuid().ToString("N");
            var ended = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddMinutes(-1); // the app's clock, whatever the date
            var e = new TelephonyEvent(callId, "ended", "inbound", phone, "+74950000000", null, ended.AddMinutes(-3), ended.AddMinutes(-3), ended, 180, null);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                using var scope = app.Services.CreateScope();
                return (await scope.ServiceProvider.GetRequiredService<TelephonyService>().HandleAsync(e)).Outcome;
            }));
            Assert.Equal(1, outcomes.Count(o => o == TelephonyOutcome.Recorded));
            Assert.Equal(19, outcomes.Count(o => o == TelephonyOutcome.Duplicate));
            await using var check = app.Services.GetRequiredService<IProviderContextFactory>().Create();
            Assert.Equal(1, await check.Activities.CountAsync(a => a.CallId == callId));
        }
    }

    private static HttpRequestMessage Lead(string json, string key) => new(HttpMethod.Post, "/api/leads")
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
        Headers = { { "X-Api-Key", DemoDataGenerator.DemoApiKey }, { "Idempotency-Key", key } },
    };

    [Fact]
    public async Task AKeyReusedWithAnotherBodyIsRefusedAndTheSameBodyIsARepeat()
    {
        var client = app.CreateClient();
        var key = "form-" + Guid.NewGuid().ToString("N");
        var first = await client.SendAsync(Lead("""{"company":"ООО «Первый»","phone":"+7 495 410-20-30"}""", key));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var repeat = await client.SendAsync(Lead("""{"company":"ООО «Первый»","phone":"+7 495 410-20-30"}""", key));
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);

        await using var db = app.Services.GetRequiredService<IProviderContextFactory>().Create();
        var leads = await db.Leads.CountAsync();
        var other = await client.SendAsync(Lead("""{"company":"ООО «Второй»","phone":"+7 495 410-99-88"}""", key));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Contains("уже использован для другой заявки", WebUtility.HtmlDecode(await other.Content.ReadAsStringAsync()));
        Assert.Equal(leads, await db.Leads.CountAsync());
        Assert.False(await db.Leads.AnyAsync(l => l.CompanyName == "ООО «Второй»"));
    }
}
