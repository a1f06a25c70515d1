using System.Data.Common;

namespace SalesCrm.Data.Common;

/// <summary>
/// Tells a database that cannot be reached (stopped, restarting, network gone, busy beyond the timeout) from every other
/// failure: the caller answers "try again in a moment" and nothing was written, because the transaction never committed.
/// </summary>
public static class DatabaseFault
{
    public const string Message = "База данных CRM временно недоступна. Ничего не сохранено — повторите через несколько секунд.";

    public static bool IsUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is DbException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException) return true;
        return false;
    }
}
