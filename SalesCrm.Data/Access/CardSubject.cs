namespace SalesCrm.Data.Access;

/// <summary>The record a comment, a file or a task is attached to: a deal's card or a client's.</summary>
public enum CardSubject
{
    Deal = 1,
    Client = 2,
}
