using System.Net;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Activities;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>The demo's recorded calls link to a file the app itself serves, so the players play in the demo.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class DemoRecordings(CrmAppFactoryWithoutJobs app) : IClassFixture<CrmAppFactoryWithoutJobs>
{
    [Fact]
    public async Task EveryDemoRecordingIsAnAudioFileTheAppServes()
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var urls = await db.Activities.Where(a => a.Kind == ActivityKind.Call && a.RecordingUrl != null).Select(a => a.RecordingUrl!).Distinct().Take(50).ToListAsync();
        Assert.NotEmpty(urls);
        var client = app.NewClient();
        foreach (var url in urls.Take(3))
        {
            Assert.StartsWith(SalesCrm.Data.Demo.DemoDataGenerator.DemoRecording, url);
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        }
    }
}
