using System.Text;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Quality;

/// <summary>What duplicate search needs of a client.</summary>
public sealed record DuplicateCandidate(int Id, string Name, string? Inn, string? Phone, string? Email);

/// <summary>Why two clients look like one company.</summary>
public enum DuplicateReason
{
    SameInn = 1,
    SamePhone = 2,
    SameEmail = 3,
    SimilarName = 4,
}

/// <summary>A pair of clients that look like one company; <see cref="FirstId"/> is the older record (the usual survivor).</summary>
public sealed record DuplicatePair(int FirstId, int SecondId, DuplicateReason Reason, double Similarity);

/// <summary>
/// Duplicate clients: the same INN, the same normalised phone or e-mail, or names that are the same company written
/// differently. Names are compared after <see cref="NormalizeName"/> (legal form, quotes, punctuation, case and "ё"
/// dropped) by the Sørensen–Dice coefficient of their letter bigrams; pairs at or above <see cref="NameThreshold"/> are
/// reported, unless both records carry valid and different INNs. Names are only compared within the same first three letters of the normalised name, which keeps the search
/// near-linear on a large book of clients.
/// </summary>
public static class ClientDuplicates
{
    public const double NameThreshold = 0.85;

    private static readonly string[] LegalForms =
    [
        "общество с ограниченной ответственностью", "публичное акционерное общество", "акционерное общество", "индивидуальный предприниматель",
        "ооо", "пао", "зао", "оао", "ао", "ип", "нко", "ано", "гуп", "муп", "фгуп", "llc", "ltd", "inc",
    ];

    public static IReadOnlyList<DuplicatePair> Find(IReadOnlyList<DuplicateCandidate> clients)
    {
        var pairs = new Dictionary<(int, int), DuplicatePair>();
        void Add(int a, int b, DuplicateReason reason, double similarity)
        {
            var key = a < b ? (a, b) : (b, a);
            if (!pairs.TryGetValue(key, out var existing) || reason < existing.Reason) pairs[key] = new DuplicatePair(key.Item1, key.Item2, reason, similarity);
        }
        void ByKey(Func<DuplicateCandidate, string?> key, DuplicateReason reason)
        {
            foreach (var group in clients.Select(c => (c.Id, Key: key(c))).Where(x => x.Key is not null).GroupBy(x => x.Key))
            {
                var ids = group.Select(x => x.Id).Order().ToList();
                for (var i = 1; i < ids.Count; i++) Add(ids[0], ids[i], reason, 1);
            }
        }
        ByKey(c => string.IsNullOrWhiteSpace(c.Inn) ? null : c.Inn.Trim(), DuplicateReason.SameInn);
        ByKey(c => Common.Phone.Normalize(c.Phone), DuplicateReason.SamePhone);
        ByKey(c => Common.Email.Normalize(c.Email), DuplicateReason.SameEmail);

        // Two valid, different INNs are two legal entities whatever their names: a similar name only counts when an INN is
        // missing or broken on either side.
        var names = clients.Select(c => (c.Id, Name: NormalizeName(c.Name), Inn: Inn.IsValid(c.Inn) ? c.Inn!.Trim() : null))
            .Where(x => x.Name.Length >= 3).ToList();
        foreach (var block in names.GroupBy(x => x.Name[..3]))
        {
            var list = block.OrderBy(x => x.Id).ToList();
            for (var i = 0; i < list.Count; i++)
            for (var j = i + 1; j < list.Count; j++)
            {
                if (list[i].Inn is not null && list[j].Inn is not null && list[i].Inn != list[j].Inn) continue;
                var similarity = Similarity(list[i].Name, list[j].Name);
                if (similarity >= NameThreshold) Add(list[i].Id, list[j].Id, DuplicateReason.SimilarName, similarity);
            }
        }
        return pairs.Values.OrderBy(p => p.Reason).ThenBy(p => p.FirstId).ToList();
    }

    /// <summary>"ООО «Ромашка-Плюс»" and "Ромашка плюс, ООО" both become "ромашка плюс".</summary>
    public static string NormalizeName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "";
        var text = name.ToLowerInvariant().Replace('ё', 'е');
        var letters = new StringBuilder(text.Length);
        foreach (var ch in text) letters.Append(char.IsLetterOrDigit(ch) ? ch : ' ');
        var words = letters.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var form in LegalForms.Where(f => f.Contains(' ')))
        {
            var parts = form.Split(' ');
            for (var i = 0; i + parts.Length <= words.Count; i++)
                if (words.Skip(i).Take(parts.Length).SequenceEqual(parts)) { words.RemoveRange(i, parts.Length); break; }
        }
        words.RemoveAll(w => LegalForms.Contains(w));
        return string.Join(' ', words);
    }

    /// <summary>The Sørensen–Dice coefficient of the letter bigrams (spaces ignored): 1 for the same letters in the same order, 0 for nothing in common.</summary>
    public static double Similarity(string a, string b)
    {
        a = a.Replace(" ", "", StringComparison.Ordinal);
        b = b.Replace(" ", "", StringComparison.Ordinal);
        if (a == b) return a.Length == 0 ? 0 : 1;
        if (a.Length < 2 || b.Length < 2) return 0;
        var bigrams = new Dictionary<(char, char), int>();
        for (var i = 0; i < a.Length - 1; i++) bigrams[(a[i], a[i + 1])] = bigrams.GetValueOrDefault((a[i], a[i + 1])) + 1;
        var common = 0;
        for (var i = 0; i < b.Length - 1; i++)
        {
            var key = (b[i], b[i + 1]);
            if (bigrams.TryGetValue(key, out var n) && n > 0)
            {
                bigrams[key] = n - 1;
                common++;
            }
        }
        return 2.0 * common / (a.Length - 1 + b.Length - 1);
    }
}
