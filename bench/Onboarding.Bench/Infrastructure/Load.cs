using System.Diagnostics;

namespace Onboarding.Bench.Infrastructure;

/// <summary>What a load run measured inside its window: successes, failures and each success's latency.</summary>
public sealed record LoadResult(long Ok, long Failed, TimeSpan Window, Samples Latency, string Cpu)
{
    public double Rate => Ok / Window.TotalSeconds;
}

/// <summary>
/// Load generators. Both warm up first and count only what completes inside the measured window.
/// Closed loop: N clients, each sends its next request when the last one answered (throughput at a concurrency).
/// Open loop: requests start on a fixed schedule whatever the answers do, and latency runs from the scheduled start,
/// so a stalled server cannot hide its queueing by slowing the client down (no coordinated omission). At most
/// <see cref="MaxInFlight"/> are outstanding; a request over that waits for a slot, and the wait counts in its latency.
/// </summary>
public static class Load
{
    /// <summary>Bounds an open loop against a server that fell behind, so the generator does not drown the machine.</summary>
    public const int MaxInFlight = 512;

    public static async Task<LoadResult> ClosedLoopAsync(
        int clients, TimeSpan warmup, TimeSpan window, Func<int, CancellationToken, Task<bool>> call, CancellationToken cancellationToken = default)
    {
        var latency = new Samples();
        long ok = 0, failed = 0;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + Ticks(warmup);
        var measureTo = measureFrom + Ticks(window);
        var cpu = CpuDuringAsync(warmup, window);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < measureTo)
            {
                var sent = Stopwatch.GetTimestamp();
                var success = await TryAsync(() => call(client, cancellationToken));
                var answered = Stopwatch.GetTimestamp();
                if (sent >= measureFrom && answered <= measureTo)
                {
                    Count(success, sent, answered);
                }
            }
        }, cancellationToken)));
        return new LoadResult(ok, failed, window, latency, await cpu);

        void Count(bool success, long sent, long answered)
        {
            if (success)
            {
                Interlocked.Increment(ref ok);
                latency.AddBetween(sent, answered);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }
    }

    public static async Task<LoadResult> OpenLoopAsync(
        double perSecond, TimeSpan warmup, TimeSpan window, Func<long, CancellationToken, Task<bool>> call, CancellationToken cancellationToken = default)
    {
        var latency = new Samples();
        long ok = 0, failed = 0;
        var total = (long)((warmup + window).TotalSeconds * perSecond);
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + Ticks(warmup);
        var cpu = CpuDuringAsync(warmup, window);
        using var slots = new SemaphoreSlim(MaxInFlight);
        var running = new List<Task>();
        for (long issued = 0; issued < total;)
        {
            var due = Math.Min(total, (long)(Samples.Milliseconds(start, Stopwatch.GetTimestamp()) / 1000 * perSecond));
            for (; issued < due; issued++)
            {
                var scheduled = start + (long)(issued / perSecond * Stopwatch.Frequency);
                running.Add(RunOneAsync(issued, scheduled));
            }

            await Task.Delay(1, cancellationToken);
        }

        await Task.WhenAll(running);
        return new LoadResult(ok, failed, window, latency, await cpu);

        async Task RunOneAsync(long index, long scheduled)
        {
            await slots.WaitAsync(cancellationToken);
            bool success;
            try
            {
                success = await TryAsync(() => call(index, cancellationToken));
            }
            finally
            {
                slots.Release();
            }
            if (scheduled < measureFrom)
            {
                return;
            }

            if (success)
            {
                Interlocked.Increment(ref ok);
                latency.AddBetween(scheduled, Stopwatch.GetTimestamp());
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }
    }

    /// <summary>Where the CPU went during the measured window.</summary>
    private static async Task<string> CpuDuringAsync(TimeSpan warmup, TimeSpan window)
    {
        await Task.Delay(warmup);
        var usage = CpuUsage.Start();
        await Task.Delay(window);
        return usage.Stop();
    }

    /// <summary>A request that threw (connection refused, timeout) counts as failed, like any other failure.</summary>
    private static async Task<bool> TryAsync(Func<Task<bool>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);
}
