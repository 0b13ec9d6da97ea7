using System.Net.Sockets;
using Npgsql;

namespace Onboarding.Data.Infrastructure;

/// <summary>
/// Npgsql hands out pooled connections without checking them first (a round trip per checkout would cost too much), so
/// after Postgres restarts or cuts connections every idle connection in the pool is dead and would fail one request
/// each. On the first sign of a lost connection the pool is cleared, so the next request opens a fresh one.
/// </summary>
public static class ConnectionLoss
{
    /// <summary>Whether the exception, or one it wraps, says the connection to Postgres was lost or refused.</summary>
    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // admin_shutdown, crash_shutdown, cannot_connect_now, and the connection exceptions (class 08).
                case PostgresException { SqlState: "57P01" or "57P02" or "57P03" }:
                case PostgresException postgres when postgres.SqlState.StartsWith("08", StringComparison.Ordinal):
                case NpgsqlException { InnerException: IOException or SocketException or EndOfStreamException }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Clears the pool when <paramref name="exception"/> is a lost connection; true when it did.</summary>
    public static bool ClearPoolOn(Exception exception, NpgsqlDataSource dataSource)
    {
        if (!Is(exception))
        {
            return false;
        }

        dataSource.Clear();
        return true;
    }
}
