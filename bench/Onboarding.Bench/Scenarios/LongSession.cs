using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using Onboarding.Bench.Infrastructure;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 8: a 10,001-event session beside a 10-event one, in Chromium against the Web's own address. For each: the
/// first screen (navigation to the newest card on screen), full verification (to "Chain verified"), going to event #1,
/// an append while the reader is at #1 (until the count of newer events says so) and at the tip (until its card is in
/// the page); then the Web's resident memory and its live heap with 1, 10 and 50 viewers open on the session, per viewer
/// above what it used before they opened, and its resident memory once it has given theirs back. The events are appended through the Api in
/// batches of 100, as an agent would send them.
/// </summary>
public sealed class LongSession(BenchSystem system, BenchOptions options, Report report)
{
    private const string Scenario = "8. Long session";

    /// <summary>What the Web logs once it has given back what closed circuits held.</summary>
    private const string GivenBack = "Circuits closed: compacted the heap";

    public async Task RunAsync()
    {
        var lengths = new[] { 10, options.Smoke ? 1_001 : 10_001 };
        var sessions = new Dictionary<int, AgentSession>();
        foreach (var length in lengths)
        {
            sessions[length] = await OpenWithEventsAsync(length);
        }

        // The fill's writes go to disk now, not in a timed checkpoint during the readers' windows (as between scenarios).
        await system.CheckpointAsync();

        var reading = system.App.LogMark;
        foreach (var length in lengths)
        {
            await ReadingAsync(sessions[length], length);
        }

        // Idle: once the Web has given back what the readers' circuits held.
        await GivenBackAsync(reading, Stopwatch.GetTimestamp());
        var idle = await QuietWebMiBAsync();
        report.Note($"{Scenario}: the Web's resident memory before any viewer of these sessions: {idle:0} MiB.");
        foreach (var viewers in options.Smoke ? new[] { 1, 3 } : [1, 10, 50])
        {
            foreach (var length in lengths)
            {
                await MemoryAsync(sessions[length], length, viewers, idle);
            }
        }
    }

    private async Task<AgentSession> OpenWithEventsAsync(int length)
    {
        var session = await system.Api.OpenSessionAsync();
        for (var sent = 1; sent < length; sent += 100)
        {
            var events = Enumerable.Range(sent, Math.Min(100, length - sent)).Select(n =>
                string.Create(CultureInfo.InvariantCulture, $$$"""{"type":"onboarding.tick","ts":{{{1746478291000 + n}}},"payload":{"n":{{{n}}}}}"""));
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/events")
            {
                Content = new StringContent($$"""{"events":[{{string.Join(',', events)}}]}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.WriteToken);
            using var response = await system.Api.Http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"Filling the long session was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        return session;
    }

    /// <summary>One reader, several times over: open, verify, go to #1, an append there, back to the tip, an append there.</summary>
    private async Task ReadingAsync(AgentSession session, int length)
    {
        var (firstScreen, verified, toStart, appendAtStart, appendAtTip) = (new Samples(), new Samples(), new Samples(), new Samples(), new Samples());
        var viewUrl = ViewUrl(session);
        var lastSeq = length;
        for (var run = 0; run < (options.Smoke ? 2 : 6); run++)
        {
            await using var context = await system.Browser.NewContextAsync();
            var page = await context.NewPageAsync();
            var start = Stopwatch.GetTimestamp();
            await page.GotoAsync(viewUrl);
            await Assertions.Expect(page.Locator($"article.event[data-seq='{lastSeq}']")).ToBeInViewportAsync(new() { Timeout = 60_000 });
            firstScreen.AddBetween(start, Stopwatch.GetTimestamp());
            await Assertions.Expect(page.Locator(".chain")).ToContainTextAsync($"Chain verified ({lastSeq:N0} events)", new() { Timeout = 120_000 });
            verified.AddBetween(start, Stopwatch.GetTimestamp());
            if (length > 50)
            {
                start = Stopwatch.GetTimestamp();
                await page.Locator("fluent-button", new() { HasText = "Go to the first event" }).ClickAsync();
                await Assertions.Expect(page.Locator("article.event[data-seq='1']")).ToBeInViewportAsync();
                toStart.AddBetween(start, Stopwatch.GetTimestamp());

                // The window may have read a page on past #1 when its lower edge came near the screen: count from its end.
                var windowEnd = long.Parse(await page.Locator("article.event").Last.GetAttributeAsync("data-seq") ?? "0", CultureInfo.InvariantCulture);
                start = await AppendAsync(session);
                lastSeq++;
                await Assertions.Expect(page.Locator("li[data-edge='newer']")).ToContainTextAsync($"{lastSeq - windowEnd:N0} newer events", new() { Timeout = 10_000 });
                appendAtStart.AddBetween(start, Stopwatch.GetTimestamp());
                await page.Locator("fluent-button", new() { HasText = "Go to the latest" }).ClickAsync();
                await Assertions.Expect(page.Locator($"article.event[data-seq='{lastSeq}']")).ToBeInViewportAsync();
            }

            for (var i = 0; i < 5; i++)
            {
                start = await AppendAsync(session);
                lastSeq++;
                await page.Locator($"article.event[data-seq='{lastSeq}']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 10_000 });
                appendAtTip.AddBetween(start, Stopwatch.GetTimestamp());
            }

            // The first run warms every path up (JIT, connection pools: the Web's first append ever rendered is one of
            // the 10-event session's); only the rest count.
            if (run == 0)
            {
                (firstScreen, verified, toStart, appendAtStart, appendAtTip) = (new Samples(), new Samples(), new Samples(), new Samples(), new Samples());
            }
        }

        var name = $"{length:N0} events";
        report.Add(new Result(Scenario, $"{name}, first screen p50", firstScreen.P50, null, "ms", "≤ 1,000 ms", firstScreen.P50 <= 1000, $"navigation → newest card on screen; {firstScreen.Summary()}"));
        report.Add(new Result(Scenario, $"{name}, verified p50", verified.P50, null, "ms", "≤ 3,000 ms", verified.P50 <= 3000, $"navigation → \"Chain verified\"; {verified.Summary()}"));
        if (toStart.Count > 0)
        {
            report.Add(new Result(Scenario, $"{name}, to event #1 p50", toStart.P50, null, "ms", null, null, $"click → #1 on screen; {toStart.Summary()}"));
            report.Add(new Result(Scenario, $"{name}, append while at #1 p50", appendAtStart.P50, null, "ms", null, null, $"202 → newer-events count updated; {appendAtStart.Summary()}"));
        }

        report.Add(new Result(Scenario, $"{name}, append at the tip p99", appendAtTip.P99, null, "ms", "p99 ≤ 100 ms", appendAtTip.P99 <= 100,
            $"202 → card in the page (Playwright's polling included, so an upper bound); {appendAtTip.Summary()}"));
    }

    /// <summary>Opens <paramref name="viewers"/> pages on the session, waits until each has verified it, measures, closes them.</summary>
    private async Task MemoryAsync(AgentSession session, int length, int viewers, double idle)
    {
        var web = system.Service("web").ProcessId;
        var before = await QuietWebMiBAsync();
        var liveBefore = await ManagedHeap.LiveMiBAsync(web);
        var contexts = new List<IBrowserContext>();
        int closing;
        try
        {
            for (var i = 0; i < viewers; i++)
            {
                var context = await system.Browser.NewContextAsync();
                contexts.Add(context);
                var page = await context.NewPageAsync();
                await page.GotoAsync(ViewUrl(session));
                await Assertions.Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified", new() { Timeout = 120_000 });
            }

            await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 1 : 5));
            var open = ProcessMemory.ResidentMiB(web);
            var perViewer = (open - before) / viewers;
            report.Add(new Result(Scenario, $"{length:N0} events, Web memory per viewer at {viewers}", perViewer, null, "MiB", "≤ 5 MiB", perViewer <= 5,
                $"Web RSS {before:0} MiB before they opened, {open:0} MiB with {viewers} open and verified"));

            // What the viewers' objects hold, without the garbage and the GC's committed memory that RSS counts too.
            var liveOpen = await ManagedHeap.LiveMiBAsync(web);
            report.Add(new Result(Scenario, $"{length:N0} events, Web live heap per viewer at {viewers}", (liveOpen - liveBefore) / viewers, null, "MiB", null, null,
                $"after a full collection: {liveBefore:0.0} MiB before they opened, {liveOpen:0.0} MiB with {viewers} open"));
        }
        finally
        {
            closing = system.App.LogMark;
            foreach (var context in contexts)
            {
                await context.DisposeAsync();
            }
        }

        // After the tabs close: how soon their circuits are gone (the Web leaves the session's channel with its last
        // viewer there), and how soon the Web gives their memory back (Web/Infrastructure/ClosedCircuitMemory.cs logs
        // it). Waiting for that also leaves the next case to start from a Web that has given back what this one used.
        var closed = Stopwatch.GetTimestamp();
        var channel = StackExchange.Redis.RedisChannel.Literal("onboarding:sessions:" + session.Id);
        var server = system.Redis.GetServers()[0];
        while (await server.SubscriptionSubscriberCountAsync(channel) > 0 && Samples.Milliseconds(closed, Stopwatch.GetTimestamp()) < 120_000)
        {
            await Task.Delay(50);
        }

        var released = Samples.Milliseconds(closed, Stopwatch.GetTimestamp());
        var givenBack = await GivenBackAsync(closing, closed);
        var after = ProcessMemory.ResidentMiB(web);
        var above = after - idle;
        report.Add(new Result(Scenario, $"{length:N0} events, Web memory after {viewers} viewer(s) closed, above idle", above, null, "MiB",
            "≤ 5 MiB within 60 s", givenBack <= 60_000 && above <= 5,
            (givenBack is { } ms ? $"given back {ms / 1000:0} s after the tabs closed" : "not given back")
            + $" (their circuits gone after {released / 1000:0} s): Web RSS {after:0} MiB; {before:0} MiB before they opened, {idle:0} MiB before any viewer"));
    }

    /// <summary>
    /// Waits for the Web to log that it gave back what closed circuits held, after <paramref name="mark"/>; the
    /// milliseconds since <paramref name="since"/>, or null when it did not within the Web's own bound (its quiet span
    /// after the last close, at most a minute after its previous time, a 45 s reconnect window for a tab that left
    /// without saying so) and a margin.
    /// </summary>
    private async Task<double?> GivenBackAsync(int mark, long since)
    {
        var limit = options.Smoke ? 6_000 : 130_000;
        while (system.App.LoggedSince(mark, GivenBack).Count == 0)
        {
            if (Samples.Milliseconds(since, Stopwatch.GetTimestamp()) > limit)
            {
                return null;
            }

            await Task.Delay(250);
        }

        var ms = Samples.Milliseconds(since, Stopwatch.GetTimestamp());
        // The line is written once the collection and the trim are done; RSS settles a moment later.
        await Task.Delay(TimeSpan.FromSeconds(1));
        return ms;
    }

    /// <summary>The Web's resident memory once it has been left alone for a few seconds.</summary>
    private async Task<double> QuietWebMiBAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 1 : 10));
        return ProcessMemory.ResidentMiB(system.Service("web").ProcessId);
    }

    private async Task<long> AppendAsync(AgentSession session)
    {
        if (await system.Api.AppendAsync(session) != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException("An append of the long-session scenario was refused.");
        }

        return Stopwatch.GetTimestamp();
    }

    // The link leads through the orchestrator's proxy; the viewers open it on the Web's own address.
    private string ViewUrl(AgentSession session) => system.Service("web").Url + new Uri(session.ViewUrl).PathAndQuery;
}
