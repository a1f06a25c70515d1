using System.Globalization;
using System.Text;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Files;

/// <summary>A kind of file the CRM accepts: its extensions' type, and how its content begins (empty: text, anything goes).</summary>
public sealed record FileKind(string Extension, string ContentType, string Label, params byte[][] Signatures);

/// <summary>
/// What may be attached, and how a name is made safe. Only the documents a sales department exchanges are accepted — no
/// programs, pages or scripts (html, svg, js open in a browser and run there), and no archives, which would hide such a file
/// from these checks. The first bytes must match the extension where the format has a signature, so a program renamed to
/// «КП.pdf» is refused (decision 0025).
/// </summary>
public static class FileRules
{
    /// <summary>The default size limit (<c>Files:MaxMegabytes</c>): a scanned contract of a few dozen pages fits.</summary>
    public const int DefaultMaxMegabytes = 25;

    /// <summary>A name longer than this is cut (its extension kept): what Windows and most file systems take with room to spare.</summary>
    public const int MaxNameLength = 200;

    /// <summary>How many first bytes <see cref="CheckContent"/> needs.</summary>
    public const int HeadLength = 8;

    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] Ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] Rtf = @"{\rtf"u8.ToArray();

    /// <summary>Programs for Windows (MZ) and Linux (ELF): refused whatever the extension says, text included.</summary>
    private static readonly byte[][] Executables = [[0x4D, 0x5A], [0x7F, 0x45, 0x4C, 0x46]];

    public static IReadOnlyList<FileKind> Kinds { get; } =
    [
        new("pdf", "application/pdf", "PDF", Pdf),
        new("doc", "application/msword", "DOC", Ole),
        new("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX", Zip),
        new("xls", "application/vnd.ms-excel", "XLS", Ole),
        new("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", Zip),
        new("odt", "application/vnd.oasis.opendocument.text", "ODT", Zip),
        new("ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS", Zip),
        new("rtf", "application/rtf", "RTF", Rtf),
        new("csv", "text/csv", "CSV"),
        new("txt", "text/plain", "TXT"),
        new("jpg", "image/jpeg", "JPEG", Jpeg),
        new("jpeg", "image/jpeg", "JPEG", Jpeg),
        new("png", "image/png", "PNG", Png),
    ];

    /// <summary>The extensions as a file picker's <c>accept</c> (".pdf,.doc,…").</summary>
    public static string Accept { get; } = string.Join(",", Kinds.Select(k => "." + k.Extension));

    /// <summary>The kind of a file by its name's extension; any other extension is refused.</summary>
    public static FileKind KindOf(string? name)
    {
        var extension = Path.GetExtension(LastSegment(name ?? "")).TrimStart('.').ToLowerInvariant();
        return Kinds.FirstOrDefault(k => k.Extension == extension)
               ?? throw new DomainException(new UserText("Файл «{0}» не принят: можно прикреплять только {1}.", Visible(name),
                   string.Join(", ", Kinds.Select(k => k.Extension).Distinct())), "File");
    }

    /// <summary>An empty file or one over the limit is refused before anything is kept.</summary>
    public static void CheckSize(string? name, long size, long maxBytes)
    {
        if (size <= 0) throw new DomainException(new UserText("Файл «{0}» пуст.", Visible(name)), "File");
        if (size > maxBytes)
            throw new DomainException(new UserText("Файл «{0}» больше {1} МБ.", Visible(name), maxBytes / (1024 * 1024)), "File");
    }

    /// <summary>
    /// The first bytes of the content (<see cref="HeadLength"/>, fewer for a shorter file) against the extension: a program is
    /// refused whatever its name, and a format with a signature must begin with it.
    /// </summary>
    public static void CheckContent(string? name, ReadOnlySpan<byte> head)
    {
        var kind = KindOf(name);
        foreach (var executable in Executables)
            if (head.StartsWith(executable))
                throw new DomainException(new UserText("Файл «{0}» — программа, такие файлы не принимаются.", Visible(name)), "File");
        if (kind.Signatures.Length == 0) return;
        foreach (var signature in kind.Signatures)
            if (head.StartsWith(signature)) return;
        throw new DomainException(new UserText("Файл «{0}» не похож на {1}: его содержимое другого формата.", Visible(name), kind.Label), "File");
    }

    /// <summary>
    /// The name to keep and to offer on download: the last part of a path (a browser may send «C:\fakepath\…»), without control,
    /// invisible and bidirectional characters (an «‮fdp.exe» that shows as «exe.pdf»), with the characters Windows reserves
    /// replaced, without trailing dots and spaces, not a device name (CON, NUL…), cut to <see cref="MaxNameLength"/> with the
    /// extension kept. The extension must be an allowed one.
    /// </summary>
    public static string SafeName(string? name)
    {
        var kind = KindOf(name);
        var text = LastSegment(name ?? "").Normalize(NormalizationForm.FormC);
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (Guard.Hidden(c) || char.IsControl(c)) continue;
            clean.Append(c is '<' or '>' or ':' or '"' or '|' or '?' or '*' ? '_' : c);
        }
        var safe = clean.ToString().Trim().TrimEnd('.', ' ');
        var stem = Path.GetFileNameWithoutExtension(safe).Trim().TrimStart('.').Trim();
        if (stem.Length == 0) stem = "file";
        if (IsDeviceName(stem)) stem = "_" + stem;
        var extension = "." + kind.Extension;
        var room = MaxNameLength - extension.Length;
        if (stem.Length > room) stem = stem[..room].TrimEnd(' ', '.');
        // A surrogate pair cut in half would be an invalid character in the name.
        if (stem.Length > 0 && char.IsHighSurrogate(stem[^1])) stem = stem[..^1];
        return stem + extension;
    }

    private static string LastSegment(string name)
    {
        var cut = name.LastIndexOfAny(['/', '\\']);
        return cut < 0 ? name : name[(cut + 1)..];
    }

    /// <summary>The name as a message may quote it: the last part, without hidden characters, not endless.</summary>
    private static string Visible(string? name) =>
        Guard.Fit(new string([.. LastSegment(name ?? "").Where(c => !Guard.Hidden(c) && !char.IsControl(c))]), 80) ?? "";

    private static bool IsDeviceName(string stem)
    {
        var upper = stem.ToUpperInvariant();
        return upper is "CON" or "PRN" or "AUX" or "NUL"
               || (upper.Length == 4 && (upper.StartsWith("COM", StringComparison.Ordinal) || upper.StartsWith("LPT", StringComparison.Ordinal))
                   && char.IsAsciiDigit(upper[3]) && upper[3] != '0');
    }

    /// <summary>Hex SHA-256 as kept on the record (lower case).</summary>
    public static string Hex(byte[] hash) => Convert.ToHexString(hash).ToLower(CultureInfo.InvariantCulture);
}
