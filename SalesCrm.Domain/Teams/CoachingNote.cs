using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Teams;

/// <summary>
/// A personal recommendation the team lead wrote for a manager (use case 4): kept on the manager's coaching page,
/// newest first, visible to the manager, the team lead and the head.
/// </summary>
public sealed class CoachingNote : Entity
{
    public const int MaxLength = 4000;

    private CoachingNote() { }

    public CoachingNote(int managerId, int authorId, string text, DateTime now)
    {
        if (managerId == authorId) throw new DomainException("Рекомендацию пишет руководитель, а не сам менеджер.");
        ManagerId = managerId;
        AuthorId = authorId;
        Text = Guard.Required(text, nameof(Text), "Рекомендация", MaxLength);
        CreatedAt = now;
    }

    public int ManagerId { get; private set; }
    public int AuthorId { get; private set; }
    public string Text { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}
