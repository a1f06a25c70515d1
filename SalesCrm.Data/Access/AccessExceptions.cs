using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Access;

/// <summary>The caller may not see or do this. The UI shows the access-denied panel; the API answers 403.</summary>
public sealed class AccessDeniedException : Exception
{
    public AccessDeniedException() : this("Доступ запрещён.") { }

    public AccessDeniedException(UserText message) : base(message.ToString()) => Text = message;

    public AccessDeniedException(string message, Exception inner) : base(message, inner) => Text = message;

    /// <summary>The message with its arguments apart, for the UI to translate.</summary>
    public UserText Text { get; }
}

/// <summary>The record does not exist (or no longer exists).</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException() : this("Запись не найдена.") { }

    public NotFoundException(UserText message) : base(message.ToString()) => Text = message;

    public NotFoundException(string message, Exception inner) : base(message, inner) => Text = message;

    /// <summary>The message with its arguments apart, for the UI to translate.</summary>
    public UserText Text { get; }
}

/// <summary>
/// Somebody else saved the record after this user loaded it. Carries the current state so the user
/// sees what changed and can re-apply their edit; nothing was saved.
/// </summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException(object current, IReadOnlyList<ChangeInfo> changes)
        : base("Запись уже изменил другой пользователь. Ваши изменения не сохранены.")
    {
        Current = current;
        Changes = changes;
    }

    public ConcurrencyConflictException() : base("Запись уже изменил другой пользователь.") => Changes = [];

    public ConcurrencyConflictException(string message) : base(message) => Changes = [];

    public ConcurrencyConflictException(string message, Exception inner) : base(message, inner) => Changes = [];

    /// <summary>The record as it is now (a DTO of the service that threw).</summary>
    public object? Current { get; }

    /// <summary>What the others changed since the user's version, from the audit trail.</summary>
    public IReadOnlyList<ChangeInfo> Changes { get; }
}

/// <summary>One audited field change, for display.</summary>
public sealed record ChangeInfo(DateTime At, string Who, string Field, string? OldValue, string? NewValue);
