using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Proposals;

namespace SalesCrm.Data.Proposals.Documents;

/// <summary>
/// The check of a proposal template a company uploads: everything that would make a wrong or broken proposal later is said
/// now, at the upload, each problem once and in words the person who edited the template in Word can act on. A template
/// with problems is not taken.
/// </summary>
public static class ProposalTemplateCheck
{
    /// <summary>What is said of anything that is not a Word document (.docx).</summary>
    internal static readonly UserText NotADocx =
        new("Файл не похож на документ Word (.docx). Сохраните шаблон в Word как «Документ Word (*.docx)» и загрузите его снова.");

    private static readonly UserText OldWord = new(
        "Это документ старого формата Word (.doc) или документ, защищённый паролем. Сохраните шаблон в Word как «Документ Word (*.docx)» без пароля и загрузите его снова.");

    private static readonly UserText Macros =
        new("Документ с макросами (.docm) не подходит для шаблона. Сохраните его в Word как «Документ Word (*.docx)» и загрузите снова.");

    private static readonly UserText WordTemplate =
        new("Это шаблон Word (.dotx), а не документ. Сохраните его в Word как «Документ Word (*.docx)» и загрузите снова.");

    /// <summary>The problems of the template, in Russian; an empty list when it can be used.</summary>
    public static IReadOnlyList<string> Check(byte[] docx) => [.. Problems(docx).Select(p => p.ToString())];

    /// <summary>The problems of the template as texts for the user, each with its values apart, so the page shows them translated.</summary>
    public static IReadOnlyList<UserText> Problems(byte[] docx)
    {
        ArgumentNullException.ThrowIfNull(docx);
        if (!IsZip(docx)) return [IsCompoundFile(docx) ? OldWord : NotADocx];
        try
        {
            using var stream = new MemoryStream(docx, writable: false);
            using var document = WordprocessingDocument.Open(stream, isEditable: false);
            return document.DocumentType switch
            {
                WordprocessingDocumentType.MacroEnabledDocument or WordprocessingDocumentType.MacroEnabledTemplate => [Macros],
                WordprocessingDocumentType.Template => [WordTemplate],
                _ => document.MainDocumentPart?.Document?.Body is null ? [NotADocx] : ProblemsOf(document.MainDocumentPart),
            };
        }
        catch (Exception unreadable) when (unreadable is OpenXmlPackageException or FileFormatException or InvalidDataException or XmlException
                                               or IOException or InvalidOperationException or ArgumentException)
        {
            return [NotADocx];
        }
    }

    private static bool IsZip(byte[] file) => file.Length > 4 && file[0] == 'P' && file[1] == 'K' && file[2] == 3 && file[3] == 4;

    /// <summary>An OLE compound file: Word 97–2003's .doc, and also a .docx Word encrypted with a password.</summary>
    private static bool IsCompoundFile(byte[] file) => file.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);

    private static List<UserText> ProblemsOf(MainDocumentPart main)
    {
        var problems = new List<UserText>();
        var fields = 0;
        foreach (var text in ParagraphText.Roots(main).SelectMany(r => r.Descendants<Paragraph>()).Select(ParagraphText.Of))
        {
            foreach (var mark in text.Marks())
            {
                if (mark.Kind == BraceKind.Field) fields++;
                if (ProblemOf(mark, text) is { } problem && !problems.Contains(problem)) problems.Add(problem);
            }
        }
        if (fields == 0)
            problems.Add(new UserText("В шаблоне нет ни одного поля: вставьте поля вроде {0} или {1} там, где должны стоять данные предложения.",
                ProposalPlaceholders.Token(ProposalPlaceholders.Client), ProposalPlaceholders.Token(ProposalPlaceholders.Premium)));
        return problems;
    }

    private static UserText? ProblemOf(BraceMark mark, ParagraphText text) => mark.Kind switch
    {
        BraceKind.Unclosed => new UserText("Поле не закрыто: «{0}». После имени поля должны стоять закрывающие скобки {1}.",
            Excerpt(text.Value[mark.Start..mark.End]), ProposalPlaceholders.Close),
        BraceKind.StrayClose => new UserText("Закрывающие скобки {0} без открывающих: «{1}».",
            ProposalPlaceholders.Close, Excerpt(text.Value[Math.Max(0, mark.Start - 30)..mark.End])),
        _ when mark.Name.Length == 0 => new UserText("Пустое поле {0}: впишите между скобками имя поля, например {1}.",
            ProposalPlaceholders.Open + ProposalPlaceholders.Close, ProposalPlaceholders.Token(ProposalPlaceholders.Client)),
        _ => mark.Placeholder is { } known ? OutOfItsRow(known, text) : Unknown(mark.Name),
    };

    /// <summary>An option's field stands in the table row that is repeated per option; anywhere else it has no option to show.</summary>
    private static UserText? OutOfItsRow(Placeholder placeholder, ParagraphText text) =>
        placeholder.PerOption && !text.Paragraph.Ancestors<TableRow>().Any()
            ? new UserText("Поле {0} относится к варианту предложения и должно стоять в строке таблицы: эта строка повторяется для каждого варианта.",
                ProposalPlaceholders.Token(placeholder.Name))
            : null;

    /// <summary>An unknown name, with the known one it most likely misspells when there is one close enough.</summary>
    private static UserText Unknown(string name)
    {
        var token = ProposalPlaceholders.Token(name);
        return Nearest(name) is { } guess
            ? new UserText("Неизвестное поле {0} — может быть, {1}?", token, ProposalPlaceholders.Token(guess))
            : new UserText("Неизвестное поле {0}: такого поля нет в списке полей шаблона.", token);
    }

    /// <summary>
    /// The known name at the smallest edit distance, letters swapped counting as one edit (<c>Клиетн</c> → <c>Клиент</c>), when
    /// it is within a third of the name's length: farther than that, a guess would mislead more than help.
    /// </summary>
    internal static string? Nearest(string name)
    {
        var typed = name.ToLowerInvariant();
        var best = ProposalPlaceholders.All
            .Select(p => (p.Name, Distance: EditDistance(typed, p.Name.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())))
            .MinBy(c => c.Distance);
        return best.Distance <= Math.Clamp(typed.Length / 3, 1, 3) ? best.Name : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>A piece of the paragraph short enough to quote in a message.</summary>
    private static string Excerpt(string text) => text.Length <= 40 ? text.Trim() : text[..40].Trim() + "…";
}
