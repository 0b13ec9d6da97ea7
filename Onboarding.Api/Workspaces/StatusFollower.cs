using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Onboarding.Data.Model;
using StackExchange.Redis;

namespace Onboarding.Api.Workspaces;

/// <summary>The status stream of a scrape: the session as it changes, until it completes or fails, for at most ten minutes.</summary>
public sealed class StatusFollower(ScrapeService scrapes, IConnectionMultiplexer redis)
{
    /// <summary>How often the stream re-reads without a notification, and how long one stream lasts.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Yields the session each time it changes: woken by the Worker's Redis notification, re-read every few seconds regardless.</summary>
    public async IAsyncEnumerable<ScrapeSessionView> FollowAsync(
        ScrapeSessionView first, Workspace workspace, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var channel = RedisChannels.Run(first.RunId);
        var subscriber = redis.GetSubscriber();
        void Notified(RedisChannel _, RedisValue __) => wake.Writer.TryWrite(true);
        // Without Redis, polling alone still delivers every change, a little later.
        var subscribed = false;
        if (redis.IsConnected)
        {
            try
            {
                await subscriber.SubscribeAsync(channel, Notified);
                subscribed = true;
            }
            catch (RedisException)
            {
            }
        }

        try
        {
            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lifetime.CancelAfter(Lifetime);
            var last = first;
            yield return first;
            while (!ScrapeStatus.IsFinal(last.Status) && !lifetime.IsCancellationRequested)
            {
                using (var poll = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token))
                {
                    poll.CancelAfter(Poll);
                    try
                    {
                        await wake.Reader.WaitToReadAsync(poll.Token);
                        wake.Reader.TryRead(out _);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Time to re-read anyway.
                    }
                }

                var current = await scrapes.StatusAsync(workspace, first.Id, cancellationToken);
                if (current is not null && current != last)
                {
                    last = current;
                    yield return current;
                }
            }
        }
        finally
        {
            if (subscribed && redis.IsConnected)
            {
                await subscriber.UnsubscribeAsync(channel, Notified, CommandFlags.FireAndForget);
            }
        }
    }
}
