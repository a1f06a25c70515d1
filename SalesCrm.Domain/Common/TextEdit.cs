namespace SalesCrm.Domain.Common;

/// <summary>
/// A free text as the user typed it over the text they saw. It may go in only while the stored text is still the one
/// they saw (or already equals what they typed): otherwise someone else changed it meanwhile, and writing it would
/// silently replace the colleague's words. Whitespace at the ends does not count as a change.
/// </summary>
public readonly record struct TextEdit(string? Seen, string? Typed)
{
    /// <summary>The user changed the text they saw.</summary>
    public bool Changes => Norm(Seen) != Norm(Typed);

    /// <summary>The user changed it and the stored text is no longer the one they typed over.</summary>
    public bool CollidesWith(string? stored) => Changes && Norm(stored) != Norm(Seen) && Norm(stored) != Norm(Typed);

    private static string Norm(string? text) => text?.Trim() ?? "";
}
