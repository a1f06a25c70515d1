using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Wordprocessing;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>
/// The numbers and bullets of list items (numbering.xml), counted in document order as Word counts them: a bullet is drawn as
/// «•» whatever symbol font Word uses for it, and a number as its level's text (<c>%1.</c>, <c>%1.%2.</c>) with decimal, letter
/// or Roman counters. The level's indents are the item's when the paragraph sets none.
/// </summary>
internal sealed class ListNumbering
{
    private const string Bullet = "•";

    private readonly Dictionary<int, Dictionary<int, ListLevel>> _levels = [];
    private readonly Dictionary<int, int[]> _counters = [];

    private sealed record ListLevel(NumberFormatValues Format, string Text, int Start, ParagraphFormat Indents);

    public ListNumbering(Numbering? numbering)
    {
        if (numbering is null) return;
        var abstracts = numbering.Elements<AbstractNum>().Where(a => a.AbstractNumberId?.Value is not null)
            .GroupBy(a => a.AbstractNumberId!.Value).ToDictionary(g => g.Key, g => g.First());
        foreach (var instance in numbering.Elements<NumberingInstance>())
        {
            if (instance.NumberID?.Value is not { } id || instance.AbstractNumId?.Val?.Value is not { } abstractId) continue;
            if (!abstracts.TryGetValue(abstractId, out var definition)) continue;
            _levels[id] = definition.Elements<Level>().Where(l => l.LevelIndex?.Value is not null).GroupBy(l => l.LevelIndex!.Value)
                .ToDictionary(g => g.Key, g => Read(g.First()));
        }
    }

    private static ListLevel Read(Level level) => new(
        level.NumberingFormat?.Val?.Value ?? NumberFormatValues.Decimal,
        level.LevelText?.Val?.Value ?? "",
        level.StartNumberingValue?.Val?.Value ?? 1,
        WordFormats.Paragraph(level.PreviousParagraphProperties));

    /// <summary>The indents a list level gives its items (empty when the list is not defined).</summary>
    public ParagraphFormat Indents(int numberingId, int level) =>
        _levels.TryGetValue(numberingId, out var levels) && levels.TryGetValue(level, out var l) ? l.Indents : new ParagraphFormat();

    /// <summary>
    /// The prefix of the next item of list <paramref name="numberingId"/> at <paramref name="level"/>: its counter goes up,
    /// and the counters of deeper levels start again. Null for numbering id 0, which Word uses to take a paragraph out of a list.
    /// </summary>
    public string? Next(int numberingId, int level)
    {
        if (numberingId == 0 || level is < 0 or > 8) return null;
        var levels = _levels.GetValueOrDefault(numberingId);
        var own = levels?.GetValueOrDefault(level);
        if (own is null || own.Format == NumberFormatValues.None) return null;
        if (own.Format == NumberFormatValues.Bullet) return Bullet;
        var counters = Counters(numberingId, levels!);
        counters[level]++;
        for (var deeper = level + 1; deeper < counters.Length; deeper++) counters[deeper] = levels!.GetValueOrDefault(deeper)?.Start - 1 ?? 0;
        return Text(own.Text, counters, levels!);
    }

    private int[] Counters(int numberingId, Dictionary<int, ListLevel> levels)
    {
        if (_counters.TryGetValue(numberingId, out var counters)) return counters;
        counters = [.. Enumerable.Range(0, 9).Select(l => levels.GetValueOrDefault(l)?.Start - 1 ?? 0)];
        _counters[numberingId] = counters;
        return counters;
    }

    private static string Text(string pattern, int[] counters, Dictionary<int, ListLevel> levels)
    {
        var text = new StringBuilder(pattern);
        for (var l = 0; l < counters.Length; l++)
        {
            var format = levels.GetValueOrDefault(l)?.Format ?? NumberFormatValues.Decimal;
            text.Replace("%" + (l + 1).ToString(CultureInfo.InvariantCulture), Counter(Math.Max(counters[l], 1), format));
        }
        return text.ToString();
    }

    private static string Counter(int n, NumberFormatValues format) => format switch
    {
        NumberFormatValues.LowerLetter => Letters(n).ToLowerInvariant(),
        NumberFormatValues.UpperLetter => Letters(n),
        NumberFormatValues.LowerRoman => Roman(n).ToLowerInvariant(),
        NumberFormatValues.UpperRoman => Roman(n),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Word's letter counters: A…Z, then AA…ZZ.</summary>
    private static string Letters(int n) => new((char)('A' + (n - 1) % 26), (n - 1) / 26 + 1);

    private static string Roman(int n)
    {
        (int Value, string Digits)[] numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
        var text = new StringBuilder();
        foreach (var (value, digits) in numerals)
        {
            for (; n >= value; n -= value) text.Append(digits);
        }
        return text.ToString();
    }
}
