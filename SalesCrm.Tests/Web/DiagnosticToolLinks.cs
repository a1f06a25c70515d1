using Microsoft.AspNetCore.Components;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>
/// From the diagnosis to the tool: every block of work names at least one screen of SalesCrm where its remedy is done, and
/// every such link leads to a page the app has (and, for a settings section, to the section's anchor).
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class DiagnosticToolLinks
{
    [Fact]
    public void EveryBlockLinksToPagesTheAppHas()
    {
        var routes = typeof(SalesCrm.Web.Hosting).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(RouteAttribute), inherit: false).Cast<RouteAttribute>())
            .Select(r => r.Template).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settings = string.Concat(Directory.GetFiles(Path.Combine(Paths.RepoRoot, "SalesCrm.Web", "Components", "Pages", "Settings"), "*.razor")
            .Select(File.ReadAllText));
        foreach (var block in DiagnosticCatalogue.Blocks)
        {
            var tools = DiagnosticTools.For(block.Number);
            Assert.NotEmpty(tools);
            foreach (var tool in tools)
            {
                Assert.StartsWith("/", tool.Href);
                var path = tool.Href.Split('?', '#')[0];
                Assert.True(routes.Contains(path), $"block {block.Number}: {tool.Href} is no page of the app");
                if (tool.Href.Split('#') is [_, var anchor]) Assert.Contains($"id=\"{anchor}\"", settings);
            }
        }
    }
}
