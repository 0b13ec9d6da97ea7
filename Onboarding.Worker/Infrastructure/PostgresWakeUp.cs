using System.Threading.Channels;
using Npgsql;

namespace Onboarding.Worker.Infrastructure;

/// <summary>
/// Wakes a polling loop when Postgres announces work: keeps one connection LISTENing on a channel (reconnecting
/// with backoff when it drops) and lets the loop wait for a notification or its poll interval, whichever comes
/// first. A lost notification therefore only delays work by one poll interval.
/// </summary>
public sealed class PostgresWakeUp(NpgsqlDataSource dataSource, string channel, TimeProvider time, ILogger logger)
{
    // Notifications only need to wake the loop once, however many arrive while it works.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes the loop as if notified, e.g. when a slot frees up.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Listens until stopped. Each (re)connect wakes the loop once, for whatever was committed while nobody listened.</summary>
    public async Task ListenAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                retry = TimeSpan.FromSeconds(1);
                Wake();
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken))
                    {
                        // Quiet for a while: make sure the connection is still alive (a dead one throws).
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Listening on {Channel} failed; polling until it reconnects in {Retry}", channel, retry);
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    /// <summary>Returns when notified, when <paramref name="pollInterval"/> passed, or when stopping.</summary>
    public async Task WaitAsync(TimeSpan pollInterval, CancellationToken stoppingToken)
    {
        using var poll = new CancellationTokenSource(pollInterval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, poll.Token);
        try
        {
            await _wake.Reader.WaitToReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }

        _wake.Reader.TryRead(out _);
    }
}

/// <summary>Retry delays shared by the Worker's loops.</summary>
public static class Backoff
{
    /// <summary>Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^(attempt-1))].</summary>
    public static TimeSpan WithFullJitter(int attempt, TimeSpan baseDelay, TimeSpan cap)
    {
        var ceiling = Math.Min(cap.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}

/// <summary>Timestamps as Postgres stores them.</summary>
public static class PostgresTime
{
    /// <summary>Postgres keeps microseconds; a fencing comparison needs the value exactly as stored.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) => new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);
}
