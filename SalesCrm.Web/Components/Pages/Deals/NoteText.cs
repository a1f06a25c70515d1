using SalesCrm.Domain.Common;

namespace SalesCrm.Web.Components.Pages.Deals;

/// <summary>
/// A free text typed on a card (bound on every keystroke): what the user sees in the field, the stored text they
/// started from, and — when a colleague changes the stored text while the user is typing — the colleague's text,
/// shown beside the user's own until the user keeps one of them. Nothing the user typed is replaced silently.
/// </summary>
public sealed class NoteText
{
    /// <summary>What is in the field.</summary>
    public string? Value { get; set; }

    /// <summary>The stored text the user is typing over.</summary>
    public string? Seen { get; private set; }

    /// <summary>A colleague's text that arrived while the user was typing; null when there is none.</summary>
    public string? Theirs { get; private set; }

    public bool Typing => new TextEdit(Seen, Value).Changes;

    public TextEdit Edit => new(Seen, Value);

    /// <summary>The stored text as the server has it now (a load, a live reload, a save's answer).</summary>
    public void Arrived(string? stored)
    {
        if (!Typing)
        {
            Value = Seen = stored;
            Theirs = null;
        }
        else Theirs = Edit.CollidesWith(stored) ? stored : null;
    }

    /// <summary>Keep my text: it will be saved over the colleague's, which the user has now seen.</summary>
    public void KeepMine()
    {
        if (Theirs is null) return;
        Seen = Theirs;
        Theirs = null;
    }

    /// <summary>Take the colleague's text and drop what I typed.</summary>
    public void TakeTheirs()
    {
        if (Theirs is null) return;
        Value = Seen = Theirs;
        Theirs = null;
    }

    /// <summary>After a successful save the field shows the stored text.</summary>
    public void Saved()
    {
        Seen = Value;
        Theirs = null;
    }
}
