using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Resources;

namespace SalesCrm.Tests.Web;

/// <summary>Russian is the default and needs no lookup; every UI text has an English translation.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed partial class Localization
{
    [Fact]
    public void EveryUiTextHasAnEnglishTranslation()
    {
        var resx = XDocument.Load(Path.Combine(Paths.RepoRoot, "SalesCrm.Web", "Resources", "SharedResource.en.resx"));
        var translated = resx.Root!.Elements("data").Select(d => ((string)d.Attribute("name")!).TrimEnd(SharedLocalizer.CaseMark)).ToHashSet();
        var sources = Directory.EnumerateFiles(Path.Combine(Paths.RepoRoot, "SalesCrm.Web"), "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var missing = sources.SelectMany(f => KeyPattern().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(k => !translated.Contains(k)).Distinct().ToList();
        Assert.True(missing.Count == 0, "Missing in SharedResource.en.resx (add to tools/en.tsv): " + string.Join(" | ", missing));
    }

    /// <summary>
    /// A refusal from the domain or the data layer reaches the user through <c>L[ex.Message]</c>: every literal message
    /// of a DomainException, AccessDeniedException or NotFoundException has its English too.
    /// </summary>
    [Fact]
    public void EveryRefusalOfTheDomainAndTheDataLayerHasAnEnglishTranslation()
    {
        var resx = XDocument.Load(Path.Combine(Paths.RepoRoot, "SalesCrm.Web", "Resources", "SharedResource.en.resx"));
        var translated = resx.Root!.Elements("data").Select(d => ((string)d.Attribute("name")!).TrimEnd(SharedLocalizer.CaseMark)).ToHashSet();
        var sources = new[] { "SalesCrm.Domain", "SalesCrm.Data" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(Paths.RepoRoot, project), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var messages = sources.SelectMany(f => RefusalPattern().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups[1].Value))).Distinct().ToList();
        Assert.True(messages.Count > 150, $"only {messages.Count} refusals found: the pattern no longer matches the code");
        var missing = messages.Where(k => !translated.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "Missing in SharedResource.en.resx (add to tools/en.tsv): " + string.Join(" | ", missing));
    }

    [GeneratedRegex("(?:DomainException|AccessDeniedException|NotFoundException)\\(\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex RefusalPattern();

    [Fact]
    public void TheLocalizerAnswersInTheCurrentCulture()
    {
        using var services = new ServiceCollection().AddLogging().AddSalesCrmLocalization().BuildServiceProvider();
        var l = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var saved = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("en-US");
            Assert.Equal("Deals", l["Сделки"]);
            // Two keys that differ only by case both have their English.
            Assert.Equal("Success story", l["Успешный кейс"]);
            Assert.Equal("success story", l["успешный кейс"]);
            CultureInfo.CurrentUICulture = new CultureInfo("ru-RU");
            Assert.Equal("Сделки", l["Сделки"]);
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }

    [GeneratedRegex("L\\[\"((?:[^\"\\\\]|\\\\.)*)\"\\]")]
    private static partial Regex KeyPattern();
}
