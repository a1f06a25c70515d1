using System.Data.Common;

namespace SalesCrm.Data.Common;

/// <summary>
/// Tells a database that cannot be reached (stopped, restarting, network gone, busy beyond the timeout) from every other
/// failure: the caller answers "try again in a moment" and nothing was written, because the transaction never committed.
/// </summary>
public static class DatabaseFault
{
    public const string Message = "База данных CRM временно недоступна. Ничего не сохранено — повторите через несколько секунд.";

    private const int SqliteBusy = 5, SqliteLocked = 6; // another connection holds the write lock past the busy timeout

    public static bool IsUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is DbException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException
                or Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }) return true;
        return false;
    }
}
