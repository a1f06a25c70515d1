using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Interceptors;

/// <summary>
/// The last line behind <see cref="Guard"/>: a text parameter with a NUL character never reaches the database. PostgreSQL
/// refuses such text with a driver error (a 500 for the user) and SQLite would store it cut short in some tools; every
/// provider answers the same Russian refusal instead, whatever path the text came by (a search box, a filter, a
/// crafted address or message).
/// </summary>
public sealed class NulCharacterGuard : DbCommandInterceptor
{
    public const string Message = "Текст содержит недопустимый управляющий символ (NUL). Уберите его и повторите.";

    public static NulCharacterGuard Instance { get; } = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbCommand command)
    {
        foreach (DbParameter parameter in command.Parameters)
            if (parameter.Value is string text && text.Contains('\0'))
                throw new DomainException(Message);
    }
}
