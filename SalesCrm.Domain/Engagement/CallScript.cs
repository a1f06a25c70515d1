using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Domain.Engagement;

/// <summary>An objection a client raises and the answer the team agreed on («Дорого» — «Сравним покрытие…»).</summary>
public sealed record ScriptObjection(string Objection, string Answer);

/// <summary>
/// A call script (сценарий звонка) the team lead writes for a stage and a product — or for any of them: what to say, step by
/// step, and the answers to the usual objections. The deal card shows the script that fits the deal best
/// (<see cref="Fit"/>); a manager records which objection a call met, and the coaching examples find those calls.
/// </summary>
public sealed class CallScript : Entity, IVersioned
{
    public const int MaxTextLength = 8000;

    /// <summary>An objection is a short name («Дорого», «Уже застрахованы»): it is kept as an activity's tag (50 characters with its prefix).</summary>
    public const int MaxObjectionLength = 38;

    private CallScript() { }

    public CallScript(string name, StageCode? stage, int? productId, string text, string? objections, int byId, DateTime now)
    {
        Update(name, stage, productId, text, objections, byId, now);
        CreatedAt = now;
    }

    public string Name { get; private set; } = "";
    /// <summary>The stage it is for; null — every stage.</summary>
    public StageCode? Stage { get; private set; }
    /// <summary>The product it is for; null — every product.</summary>
    public int? ProductId { get; private set; }
    /// <summary>The script: one step per line.</summary>
    public string Text { get; private set; } = "";
    /// <summary>The objections, one per line: «Возражение — ответ».</summary>
    public string? ObjectionsText { get; private set; }
    public int UpdatedById { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public bool IsArchived { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<ScriptObjection> Objections => ParseObjections(ObjectionsText);

    public void Update(string name, StageCode? stage, int? productId, string text, string? objections, int byId, DateTime now)
    {
        Name = Guard.Required(name, nameof(Name), "Название сценария", 200);
        if (stage is { } s && (!Enum.IsDefined(s) || s.IsClosed())) throw new DomainException("Сценарий пишут для открытого этапа или для всех этапов.", nameof(Stage));
        Stage = stage;
        ProductId = productId;
        Text = Guard.Required(text, nameof(Text), "Текст сценария", MaxTextLength);
        ObjectionsText = Guard.Optional(objections, nameof(ObjectionsText), "Возражения", MaxTextLength);
        ParseObjections(ObjectionsText); // refuses a line that is not «возражение — ответ»
        UpdatedById = byId;
        UpdatedAt = now;
    }

    public void Archive() => IsArchived = true;

    /// <summary>
    /// How well the script fits a deal at <paramref name="stage"/> of <paramref name="productId"/>: both named (3), the stage
    /// for any product (2), the product at any stage (1), a general script (0); null when it is for another stage or product.
    /// </summary>
    public int? Fit(StageCode stage, int productId) =>
        (Stage is null || Stage == stage) && (ProductId is null || ProductId == productId)
            ? (Stage is null ? 0 : 2) + (ProductId is null ? 0 : 1)
            : null;

    /// <summary>The objections of the text, one per non-empty line, the objection and its answer split by «—», «–» or «:».</summary>
    public static IReadOnlyList<ScriptObjection> ParseObjections(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var list = new List<ScriptObjection>();
        var lines = text.Replace("\r", "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var at = line.IndexOfAny(['—', '–', ':']);
            var objection = at > 0 ? line[..at].Trim().TrimStart('-', '•', ' ') : "";
            var answer = at > 0 ? line[(at + 1)..].Trim() : "";
            if (objection.Length == 0 || answer.Length == 0)
                throw new DomainException(new UserText("Строка {0} возражений: напишите «возражение — ответ».", i + 1), nameof(ObjectionsText));
            if (objection.Length > MaxObjectionLength)
                throw new DomainException(new UserText("Строка {0} возражений: возражение — не длиннее {1} символов, ответ — после тире.", i + 1, MaxObjectionLength), nameof(ObjectionsText));
            if (list.Any(o => string.Equals(o.Objection, objection, StringComparison.OrdinalIgnoreCase)))
                throw new DomainException(new UserText("Возражение «{0}» записано дважды.", objection), nameof(ObjectionsText));
            list.Add(new ScriptObjection(objection, answer));
        }
        return list;
    }
}

/// <summary>How a call's objection is kept among the activity's tags, so the coaching examples can find the calls that met it.</summary>
public static class ObjectionTags
{
    public const string Prefix = "возражение: "; // not UI text: a stored tag

    public static string Of(string objection) => Prefix + objection.Trim().ToLowerInvariant();
}
