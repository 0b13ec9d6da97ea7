using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;
using Onboarding.Bench.Infrastructure;
using StackExchange.Redis;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 2: from an append's 202 to the event being in the page of a real browser's viewer (the Blazor circuit at
/// view_url), with 1 and with 20 viewers open on the session. Each page reports every new event card the moment it is
/// inserted (a MutationObserver calling a function exposed by Playwright), and the time is read here, in the same process
/// that read the 202; the report's path (page → Chromium → Playwright driver → here) is included, so the figure is an
/// upper bound. Beside a raw Redis PUBLISH → SUBSCRIBE round trip to as many subscribers.
/// </summary>
public sealed class ViewerLatency(BenchSystem system, BenchOptions options, Report report)
{
    private const string Scenario = "2. Viewer latency";

    private const string ReportNewCards = """
        (() => {
          const seen = new Set();
          const report = card => {
            const seq = Number(card.dataset.seq);
            if (!seen.has(seq)) { seen.add(seq); window.__benchRendered(seq); }
          };
          new MutationObserver(records => {
            for (const record of records) {
              for (const node of record.addedNodes) {
                if (node.nodeType !== Node.ELEMENT_NODE) continue;
                if (node.matches('article[data-seq]')) report(node);
                node.querySelectorAll('article[data-seq]').forEach(report);
              }
            }
          }).observe(document, { childList: true, subtree: true });
        })();
        """;

    public async Task RunAsync()
    {
        foreach (var viewers in options.ViewerPages)
        {
            var (ours, probe, cpu) = await ViewersAsync(viewers);
            var raw = await PublishSubscribeAsync(viewers, options.ViewerAppends);
            var cases = $"{viewers} viewer{(viewers > 1 ? "s" : "")}";
            report.Add(new Result(Scenario, $"{cases}, p50", ours.P50, raw.P50, "ms", null, null, $"ours {ours.Summary()}"));
            report.Add(new Result(Scenario, $"{cases}, p99", ours.P99, raw.P99, "ms", "p99 ≤ 100 ms", ours.P99 <= 100,
                $"raw pub/sub {raw.Summary()}; page → bench report round trip p50 {Samples.Ms(probe.P50)}"));
            report.Note($"{Scenario}, {cases}, CPU (% of one core): {cpu}.");
        }
    }

    private async Task<(Samples Latency, Samples Probe, string Cpu)> ViewersAsync(int viewers)
    {
        var session = await system.Api.OpenSessionAsync();
        // seq → a countdown of the pages that have not shown it yet, and when each did.
        var expected = new ConcurrentDictionary<long, Arrivals>();
        var contexts = new List<IBrowserContext>();
        try
        {
            var pages = new List<IPage>();
            for (var i = 0; i < viewers; i++)
            {
                var context = await system.Browser.NewContextAsync();
                contexts.Add(context);
                var page = await context.NewPageAsync();
                await page.ExposeFunctionAsync("__benchRendered", (int seq) =>
                {
                    var now = Stopwatch.GetTimestamp();
                    expected.GetOrAdd(seq, _ => new Arrivals(viewers)).Arrived(now);
                });
                await page.AddInitScriptAsync(ReportNewCards);
                pages.Add(page);
            }

            // Every viewer shows the session's first event (session_opened) before anything is measured.
            var opened = expected.GetOrAdd(1, _ => new Arrivals(viewers));
            // The link leads through the orchestrator's proxy; the viewers open it on the Web's own address.
            var viewUrl = system.Service("web").Url + new Uri(session.ViewUrl).PathAndQuery;
            await Task.WhenAll(pages.Select(page => page.GotoAsync(viewUrl)));
            await opened.All.WaitAsync(TimeSpan.FromSeconds(30));

            // Twenty new circuits keep the Web and Api busy for a few seconds (JIT, first renders); measure after.
            await CpuUsage.SettleAsync(options.Settle);
            var latency = new Samples();
            var usage = CpuUsage.Start();
            for (var seq = 2L; seq <= options.ViewerAppends + 2; seq++)
            {
                var arrivals = expected.GetOrAdd(seq, _ => new Arrivals(viewers));
                if (await system.Api.AppendAsync(session) != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException("An append of the viewer scenario was refused.");
                }

                var accepted = Stopwatch.GetTimestamp();
                await arrivals.All.WaitAsync(TimeSpan.FromSeconds(10));
                // The first append warms the path up; it is not counted.
                if (seq > 2)
                {
                    foreach (var shown in arrivals.Times)
                    {
                        latency.AddBetween(accepted, shown);
                    }
                }
            }

            var cpu = usage.Stop();
            return (latency, await ProbeAsync(pages[0], expected), cpu);
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.DisposeAsync();
            }
        }
    }

    /// <summary>How long the report itself takes: bench → page → bench through the same exposed function.</summary>
    private static async Task<Samples> ProbeAsync(IPage page, ConcurrentDictionary<long, Arrivals> expected)
    {
        var probe = new Samples();
        for (var i = 0; i < 20; i++)
        {
            var marker = -1 - i;
            var arrivals = expected.GetOrAdd(marker, _ => new Arrivals(1));
            var sent = Stopwatch.GetTimestamp();
            await page.EvaluateAsync("seq => { window.__benchRendered(seq); }", marker);
            await arrivals.All.WaitAsync(TimeSpan.FromSeconds(5));
            probe.AddBetween(sent, arrivals.Times.Single());
        }

        return probe;
    }

    /// <summary>PUBLISH on one connection, SUBSCRIBE on <paramref name="subscribers"/> others; publish → each handler.</summary>
    private async Task<Samples> PublishSubscribeAsync(int subscribers, int count)
    {
        var samples = new Samples();
        var channel = RedisChannel.Literal("bench:pubsub:" + Guid.NewGuid().ToString("N"));
        var connections = new List<ConnectionMultiplexer>();
        try
        {
            Arrivals? current = null;
            for (var i = 0; i < subscribers; i++)
            {
                var connection = await ConnectionMultiplexer.ConnectAsync(system.App.RedisConnectionString);
                connections.Add(connection);
                await connection.GetSubscriber().SubscribeAsync(channel, (_, _) => Volatile.Read(ref current)?.Arrived(Stopwatch.GetTimestamp()));
            }

            var publisher = system.Redis.GetSubscriber();
            for (var i = 0; i <= count; i++)
            {
                var arrivals = new Arrivals(subscribers);
                Volatile.Write(ref current, arrivals);
                var sent = Stopwatch.GetTimestamp();
                await publisher.PublishAsync(channel, i);
                await arrivals.All.WaitAsync(TimeSpan.FromSeconds(5));
                if (i > 0)
                {
                    foreach (var arrived in arrivals.Times)
                    {
                        samples.AddBetween(sent, arrived);
                    }
                }
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        return samples;
    }

    /// <summary>When each of a known number of receivers got something; completes when all have.</summary>
    private sealed class Arrivals(int expected)
    {
        private readonly ConcurrentBag<long> _times = [];
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task All => _all.Task;

        public IReadOnlyCollection<long> Times => _times;

        public void Arrived(long timestamp)
        {
            _times.Add(timestamp);
            if (_times.Count >= expected)
            {
                _all.TrySetResult();
            }
        }
    }
}
