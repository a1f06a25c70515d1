using System.Text.RegularExpressions;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Activities;

/// <summary>
/// A colleague's comment on a deal or a client: the team lead's advice, a question to the underwriter-minded colleague, a
/// note for whoever takes the deal over. The people it mentions are told.
/// </summary>
public sealed partial class Comment : Entity
{
    public const int MaxLength = 4000;

    private Comment() { }

    public Comment(int? dealId, int? clientId, int authorId, string text, IEnumerable<int> mentions, DateTime now)
    {
        if ((dealId is null) == (clientId is null)) throw new DomainException("Комментарий относится к сделке или к клиенту.");
        DealId = dealId;
        ClientId = clientId;
        AuthorId = authorId;
        Text = Guard.Required(text, nameof(Text), "Комментарий", MaxLength);
        Mentions = [.. mentions.Where(id => id != authorId).Distinct()];
        CreatedAt = now;
        Raise(new CommentAdded(this, now));
    }

    public int? DealId { get; private set; }
    public int? ClientId { get; private set; }
    public int AuthorId { get; private set; }
    public string Text { get; private set; } = "";
    /// <summary>The colleagues it mentions (their profiles' ids), told by a notification.</summary>
    public List<int> Mentions { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }

    /// <summary>The words written as «@Фамилия» in a text, lower-cased, as a mention is looked up by a colleague's surname.</summary>
    public static IReadOnlyList<string> MentionedWords(string? text) =>
        text is null ? [] : [.. MentionPattern().Matches(text).Select(m => m.Groups[1].Value.ToLowerInvariant().Replace('ё', 'е')).Distinct()];

    [GeneratedRegex(@"(?<![\p{L}\d])@([\p{L}][\p{L}\-]+)")]
    private static partial Regex MentionPattern();
}

public sealed record CommentAdded(Comment Comment, DateTime OccurredAt) : IDomainEvent;
