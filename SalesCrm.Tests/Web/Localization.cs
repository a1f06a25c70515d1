using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Resources;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Russian is the source language and needs no lookup; every text the user can see has its English in
/// SalesCrm.Web/Resources/en.po (decision record 0012), texts with values take them as format arguments, and the localizer
/// answers in the reader's language.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed partial class Localization
{
    private static string PoPath => Path.Combine(Paths.RepoRoot, "SalesCrm.Web", "Resources", "en.po");

    private static PoCatalog English()
    {
        using var reader = new StreamReader(PoPath);
        return PoCatalog.Parse(reader, "en.po");
    }

    private static IEnumerable<string> Sources(params string[] projects) =>
        projects.SelectMany(project => Directory.EnumerateFiles(Path.Combine(Paths.RepoRoot, project), "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static void AssertTranslated(IEnumerable<string> texts)
    {
        var english = English();
        var missing = texts.Distinct().Where(t => english.Find(t) is null).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            $"{missing.Count} texts have no English: add to SalesCrm.Web/Resources/en.po" + Environment.NewLine +
            string.Join(Environment.NewLine, missing.Select(m => $"msgid {PoCatalog.Quote(m)}{Environment.NewLine}msgstr \"\"{Environment.NewLine}")));
    }

    [Fact]
    public void EveryUiTextHasAnEnglishTranslation() =>
        AssertTranslated(Sources("SalesCrm.Web").SelectMany(f => KeyPattern().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups[1].Value))));

    /// <summary>
    /// A refusal from the domain or the data layer reaches the user through <c>L.For(ex)</c>, a composed text through
    /// <c>L.Text(…)</c>: every literal message of a DomainException, AccessDeniedException or NotFoundException and every
    /// <see cref="UserText"/> format has its English too.
    /// </summary>
    [Fact]
    public void EveryRefusalOfTheDomainAndTheDataLayerHasAnEnglishTranslation()
    {
        var messages = Sources("SalesCrm.Domain", "SalesCrm.Data", "SalesCrm.Web")
            .SelectMany(f => RefusalPattern().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups[1].Value))).Distinct().ToList();
        Assert.True(messages.Count > 150, $"only {messages.Count} refusals found: the pattern no longer matches the code");
        AssertTranslated(messages);
    }

    /// <summary>
    /// Every Russian text written in the code — a field's label put into a refusal, a reason of the distribution, a column of
    /// an export, a notification's title — has its English, so it can be shown translated. Left out, each for its reason:
    /// the demo dataset; the words a rule or a file reader matches against (legal forms of company names, the official
    /// sources of the production calendar, column names of imported files); MudBlazor's own texts in Russian (English uses
    /// MudBlazor's); the HTTP API's answers to integrations and the console's messages to whoever starts the app, which are
    /// Russian (decision record 0012); and lines marked "not UI text".
    /// </summary>
    [Fact]
    public void EveryRussianTextOfTheAppHasAnEnglishTranslation()
    {
        string[] notForTheUi =
        [
            "Demo", "ClientDuplicates.cs", "RussianProductionCalendar.cs", "LeadFileReader.cs", "PlanFileReader.cs", "RiskFileReader.cs",
            "RussianMudLocalizer.cs", "LeadsApi.cs", "TelephonyApi.cs", "ApiRequests.cs", "RefusedCallers.cs", "ProductionReadiness.cs", "BootstrapAdmin.cs",
        ];
        var texts = Sources("SalesCrm.Domain", "SalesCrm.Data", "SalesCrm.Web")
            .Where(f => !notForTheUi.Any(d => f.Contains(Path.DirectorySeparatorChar + d, StringComparison.Ordinal)))
            .SelectMany(File.ReadLines)
            .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && !line.Contains("not UI text", StringComparison.Ordinal))
            .SelectMany(line => RussianLiteralPattern().Matches(line).Select(m => Regex.Unescape(m.Groups[1].Value)))
            .ToList();
        Assert.True(texts.Count > 1500, $"only {texts.Count} texts found: the pattern no longer matches the code");
        AssertTranslated(texts);
    }

    [GeneratedRegex(@"(?<![$@\\])""((?:[^""\\\n]|\\.)*\p{IsCyrillic}(?:[^""\\\n]|\\.)*)""")]
    private static partial Regex RussianLiteralPattern();

    /// <summary>A value interpolated into a text makes a new string per value that no translation can match.</summary>
    [Fact]
    public void NoTextForTheUserIsInterpolated()
    {
        var interpolated = Sources("SalesCrm.Domain", "SalesCrm.Data", "SalesCrm.Web")
            .SelectMany(f => InterpolatedPattern().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}")).ToList();
        Assert.True(interpolated.Count == 0, "Interpolated user texts (write new UserText(\"… {0} …\", value) instead): " + string.Join(" | ", interpolated));
    }

    /// <summary>A translation keeps its text's arguments: a lost or extra {n} would show a wrong value or fail to format.</summary>
    [Fact]
    public void EveryTranslationKeepsTheArgumentsOfItsText()
    {
        var broken = English().Entries.Where(e => !Placeholders(e.Key).SetEquals(Placeholders(e.Value))).Select(e => $"{e.Key} → {e.Value}").ToList();
        Assert.True(broken.Count == 0, "Translations whose {n} differ from the Russian: " + string.Join(" | ", broken));
    }

    private static HashSet<string> Placeholders(string format) => PlaceholderPattern().Matches(format).Select(m => m.Groups[1].Value).ToHashSet();

    [Fact]
    public void TheLocalizerAnswersInTheCurrentCulture()
    {
        using var services = new ServiceCollection().AddLogging().AddSalesCrmLocalization().BuildServiceProvider();
        var l = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en-GB"); // a culture of the language finds en.po
            Assert.Equal("Deals", l["Сделки"]);
            // Two texts that differ only by case each have their own English.
            Assert.Equal("Success story", l["Успешный кейс"]);
            Assert.Equal("success story", l["успешный кейс"]);
            Assert.True(l["Текст, которого нет в переводе"].ResourceNotFound);
            // A refusal with values: the format is translated, a value that is a text of the app too, the others are put in as they are.
            Assert.Equal(l["Поле «{0}» длиннее {1} символов.", l["Название"].Value, 200].Value,
                l.For(new DomainException(new UserText("Поле «{0}» длиннее {1} символов.", "Название", 200))));
            Assert.DoesNotContain("Название", l.For(new DomainException(new UserText("Поле «{0}» длиннее {1} символов.", "Название", 200))), StringComparison.Ordinal);
            Assert.Contains("Ромашка", l.For(new AccessDeniedException(new UserText("Клиент с ИНН {0} уже есть: «{1}» (№ {2}).", "7707083893", "Ромашка", 5))),
                StringComparison.Ordinal);
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("ru-RU");
            Assert.Equal("Сделки", l["Сделки"]);
            Assert.False(l["Текст, которого нет в переводе"].ResourceNotFound);
            Assert.Equal("Поле «Название» длиннее 1 000 символов.".Replace(' ', '\u00A0'),
                l.For(new DomainException(new UserText("Поле «{0}» длиннее {1:N0} символов.", "Название", 1000))).Replace(' ', '\u00A0'));
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }
    }

    [Fact]
    public void APoFileIsReadAsGettextWritesIt()
    {
        const string po = """
            # a comment
            msgid ""
            msgstr ""
            "Language: en\n"

            #: SalesCrm.Web/Components/Pages/Deals/DealCardPage.razor
            msgid "Сделка"
            msgstr "Deal"

            msgctxt "глагол"
            msgid "Сделка"
            msgstr "Make a deal"

            msgid ""
            "Две строки "
            "\"в кавычках\"\n"
            msgstr "Two lines \"quoted\"\n"

            msgid "Не переведено"
            msgstr ""
            """;
        var catalog = PoCatalog.Parse(new StringReader(po), "test.po");
        Assert.Equal(3, catalog.Count);
        Assert.Equal("Deal", catalog.Find("Сделка"));
        Assert.Equal("Make a deal", catalog.Find("Сделка", "глагол"));
        Assert.Equal("Two lines \"quoted\"\n", catalog.Find("Две строки \"в кавычках\"\n"));
        Assert.Null(catalog.Find("Не переведено"));
        Assert.Equal("\"a\\\"b\\n\"", PoCatalog.Quote("a\"b\n"));
    }

    [Theory]
    [InlineData("msgid \"a\"\nmsgstr \"b\"\nmsgid \"a\"\nmsgstr \"c\"", "twice")]
    [InlineData("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"b\"", "plural")]
    [InlineData("msgid \"a\"\nmsgstr \"b\\q\"", "escape")]
    [InlineData("msgid \"a\"\nmsgstr b", "double quotes")]
    [InlineData("msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"c\"", "no msgstr")]
    [InlineData("msgstr \"b\"", "no msgid")]
    public void ABrokenPoFileIsRefusedWithItsLine(string po, string why)
    {
        var error = Assert.Throws<FormatException>(() => PoCatalog.Parse(new StringReader(po), "broken.po"));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("broken.po:", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("\\bL\\[\"((?:[^\"\\\\]|\\\\.)*)\"[\\],]")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("(?:DomainException|AccessDeniedException|NotFoundException|UserText)\\(\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex RefusalPattern();

    [GeneratedRegex("(?:DomainException|AccessDeniedException|NotFoundException|UserText)\\(\\$\"|\\bL\\[\\$\"")]
    private static partial Regex InterpolatedPattern();

    [GeneratedRegex("\\{(\\d+)(?:[,:][^}]*)?\\}")]
    private static partial Regex PlaceholderPattern();
}

/// <summary>A number and its noun agree in Russian: 1 запись, 2 записи, 5 записей, 11 записей, 21 запись.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class RussianPlurals
{
    [Theory]
    [InlineData(1, "1 запись"), InlineData(2, "2 записи"), InlineData(4, "4 записи"), InlineData(5, "5 записей"), InlineData(11, "11 записей"),
     InlineData(12, "12 записей"), InlineData(21, "21 запись"), InlineData(22, "22 записи"), InlineData(0, "0 записей"), InlineData(111, "111 записей")]
    public void TheNounTakesTheFormOfItsNumber(long n, string expected)
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("ru-RU");
        try
        {
            Assert.Equal(expected, SalesCrm.Web.Components.Shared.Texts.Count(new SalesCrm.Web.Resources.PoLocalizer(), n, "запись", "записи", "записей"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }
}
