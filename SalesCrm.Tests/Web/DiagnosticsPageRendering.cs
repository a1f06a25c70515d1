using Bunit;
using SalesCrm.Web.Components.Pages.Diagnostics;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class DiagnosticsPageRendering : CrmComponentTest
{
    [Fact]
    public async Task EightBlocksWithStatusesAndTheRemedyOfATriggeredOne()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<DiagnosticsPage>(_ => { });
        page.WaitForElements("[data-testid=diagnostic-block]", 8);
        var blocks = page.FindAll("[data-testid=diagnostic-block]");
        Assert.Equal(Enumerable.Range(1, 8).Select(n => n.ToString()), blocks.Select(b => b.GetAttribute("data-block")));
        Assert.All(blocks, b => Assert.Contains(b.GetAttribute("data-status"), new[] { "ok", "warning", "triggered", "nodata" }));
        var discipline = page.Find("[data-testid=diagnostic-block][data-block='2']");
        Assert.Equal("triggered", discipline.GetAttribute("data-status"));
        Assert.Contains("нет следующего шага — нет сделки", discipline.QuerySelector("[data-testid=block-remedy]")!.TextContent);
        Assert.NotNull(discipline.QuerySelector("[data-testid=block-start]"));
        // A trigger's note shows what it counted: its format with the figures put in, never the bare placeholders.
        Assert.Matches(@" · \d+ из \d+ открытых", discipline.TextContent);
        Assert.DoesNotContain("{0}", page.Markup, StringComparison.Ordinal);
    }
}
