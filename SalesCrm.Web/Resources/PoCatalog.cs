using System.Text;

namespace SalesCrm.Web.Resources;

/// <summary>
/// The translations of one language, read from a gettext PO file: each entry's <c>msgid</c> is the Russian text as the code
/// writes it (a composite format when it takes arguments: <c>"Поле «{0}» длиннее {1} символов."</c>) and <c>msgstr</c> is the
/// translation. <c>msgctxt</c> tells apart two uses of one Russian text that translate differently. An entry with an empty
/// <c>msgstr</c> is untranslated and is left out. Plural entries are refused: the texts carry their numbers as arguments.
/// </summary>
public sealed class PoCatalog
{
    /// <summary>gettext's separator between a context and its msgid in a lookup key.</summary>
    public const char ContextSeparator = '\u0004';

    private readonly Dictionary<string, string> _entries;

    private PoCatalog(Dictionary<string, string> entries) => _entries = entries;

    public int Count => _entries.Count;

    public IReadOnlyDictionary<string, string> Entries => _entries;

    public string? Find(string msgid, string? context = null) =>
        _entries.GetValueOrDefault(context is null ? msgid : context + ContextSeparator + msgid);

    public static PoCatalog Parse(TextReader reader, string source)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        string? context = null, id = null, text = null;
        StringBuilder? current = null;
        var lineNo = 0;

        void Flush()
        {
            if (id is null) return;
            if (text is null) throw Error($"msgid \"{id}\" has no msgstr");
            if (id.Length > 0 && text.Length > 0 && !entries.TryAdd(context is null ? id : context + ContextSeparator + id, text))
                throw Error($"msgid \"{id}\" is there twice");
            context = id = text = null;
        }

        FormatException Error(string what) => new($"{source}:{lineNo}: {what}");

        // A keyword's string and its continuation lines are gathered in `current`, then stored when the next keyword starts.
        string? keyword = null;
        void Close()
        {
            if (keyword is null) return;
            var value = current!.ToString();
            switch (keyword)
            {
                case "msgctxt": context = value; break;
                case "msgid": id = value; break;
                case "msgstr": text = value; break;
            }
            keyword = null;
        }

        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                Close();
                continue;
            }
            if (trimmed[0] == '"')
            {
                if (keyword is null) throw Error("a quoted line with no keyword before it");
                current!.Append(Unquote(trimmed, Error));
                continue;
            }
            var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
            var word = space < 0 ? trimmed : trimmed[..space];
            Close();
            switch (word)
            {
                case "msgctxt":
                    Flush();
                    break;
                case "msgid":
                    if (id is not null) Flush();
                    break;
                case "msgstr":
                    if (id is null) throw Error("msgstr with no msgid");
                    break;
                case "msgid_plural" or "msgstr[0]" or "msgstr[1]" or "msgstr[2]":
                    throw Error("plural forms are not used: a number is an argument of its text");
                default:
                    throw Error($"unknown keyword '{word}'");
            }
            keyword = word;
            current = new StringBuilder(Unquote(space < 0 ? "" : trimmed[(space + 1)..].Trim(), Error));
        }
        Close();
        Flush();
        return new PoCatalog(entries);
    }

    private static string Unquote(string quoted, Func<string, FormatException> error)
    {
        if (quoted.Length < 2 || quoted[0] != '"' || quoted[^1] != '"') throw error("a string must be in double quotes");
        var result = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c == '"') throw error("a quote inside a string is not escaped");
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }
            if (++i >= quoted.Length - 1) throw error("a string ends with a backslash");
            result.Append(quoted[i] switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '"' => '"',
                '\\' => '\\',
                var other => throw error($"unknown escape \\{other}"),
            });
        }
        return result.ToString();
    }

    /// <summary>A text as a PO string literal (the inverse of what <see cref="Parse"/> reads).</summary>
    public static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
}
