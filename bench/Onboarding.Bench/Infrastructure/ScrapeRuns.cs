using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Onboarding.Bench.Infrastructure;

/// <summary>When one scrape was asked for, answered, first moved, and was seen completed (Stopwatch timestamps).</summary>
public sealed record ScrapeTiming(Guid SessionId, string RunId, long Sent, long Answered, long FirstStep, long Completed)
{
    /// <summary>From the client holding start-scraping's answer (the commit is behind it) to the worker's first committed step.</summary>
    public double PickupMs => Samples.Milliseconds(Answered, FirstStep);

    /// <summary>From sending start-scraping to reading status <c>completed</c>.</summary>
    public double TotalMs => Samples.Milliseconds(Sent, Completed);
}

/// <summary>
/// Starts onboarding scrapes and follows each as a live view does: the Worker announces every committed step of a run
/// on <c>onboarding:runs:{runId}</c>, and each announcement makes the client read the status. A run's first announcement
/// is its first step (the move to <c>looking_up</c>); the first status read that says <c>completed</c> ends it.
/// </summary>
public sealed class ScrapeRuns(BenchSystem system) : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, Announcements> _runs = new();
    private ChannelMessageQueue? _subscription;

    public async Task StartAsync()
    {
        _subscription = await system.Redis.GetSubscriber().SubscribeAsync(RedisChannels.AllRuns);
        _subscription.OnMessage(message =>
        {
            // The first one may come before start-scraping's answer names the run: keep it by run id.
            var runId = RedisChannels.RunOf(message.Channel);
            _runs.GetOrAdd(runId, _ => new Announcements()).Arrived(Stopwatch.GetTimestamp());
        });
    }

    public async Task<ScrapeTiming> RunAsync(Workspace workspace, Uri website, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Patience);
        var sent = Stopwatch.GetTimestamp();
        var (sessionId, runId) = await system.Api.StartScrapingAsync(workspace, website, deadline.Token);
        var answered = Stopwatch.GetTimestamp();
        var run = _runs.GetOrAdd(runId, _ => new Announcements());
        try
        {
            var firstStep = await run.First.WaitAsync(deadline.Token);
            while (true)
            {
                await run.NextAsync(TimeSpan.FromSeconds(1), deadline.Token);
                var status = await system.Api.StatusAsync(workspace, sessionId, deadline.Token);
                if (status == "completed")
                {
                    return new ScrapeTiming(sessionId, runId, sent, answered, firstStep, Stopwatch.GetTimestamp());
                }

                if (status == "failed")
                {
                    throw new InvalidOperationException($"The scrape {runId} of {website} failed; see the worker's log:\n{system.RecentLog}");
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The scrape {runId} of {website} did not complete within {Patience.TotalSeconds} s:\n{system.RecentLog}");
        }
        finally
        {
            _runs.TryRemove(runId, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.UnsubscribeAsync();
        }
    }

    /// <summary>A run's announcements: when the first arrived, and one wake-up for each.</summary>
    private sealed class Announcements
    {
        private readonly TaskCompletionSource<long> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<long> _arrived = Channel.CreateUnbounded<long>();

        public Task<long> First => _first.Task;

        public void Arrived(long timestamp)
        {
            _first.TrySetResult(timestamp);
            _arrived.Writer.TryWrite(timestamp);
        }

        /// <summary>
        /// Waits for an announcement not yet waited for, or at most <paramref name="fallback"/> (pub/sub may drop one);
        /// those that came meanwhile are taken with it, as a live view reads once for a burst of changes.
        /// </summary>
        public async Task NextAsync(TimeSpan fallback, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(fallback);
            try
            {
                await _arrived.Reader.ReadAsync(timeout.Token);
                while (_arrived.Reader.TryRead(out _))
                {
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No announcement for a while: read the status anyway.
            }
        }
    }
}
