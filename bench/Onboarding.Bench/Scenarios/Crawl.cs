using System.Diagnostics;
using System.Globalization;
using Onboarding.Bench.Infrastructure;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 5: a whole onboarding scrape of the Ledgerline fixture website (ten pages), from sending start-scraping to
/// reading status <c>completed</c>: pickup, robots.txt, the crawl, the offline generation and every committed step.
/// Beside one <c>curl</c> fetching the same ten pages one after another over one connection.
/// </summary>
public sealed class Crawl(BenchSystem system, BenchOptions options, Report report, Workspace workspace, ScrapeRuns scrapes)
{
    private const string Scenario = "5. Crawl";

    public async Task RunAsync()
    {
        // A first run shows which pages the crawler takes; curl fetches the same ones.
        system.Site.Requests.Clear();
        await scrapes.RunAsync(workspace, system.Site.BaseUrl);
        var pages = system.Site.Requests.Where(path => path != "/robots.txt").Distinct().Select(path => new Uri(system.Site.BaseUrl, path)).ToList();
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < options.CrawlWarmUp)
        {
            await scrapes.RunAsync(workspace, system.Site.BaseUrl);
        }

        await CpuUsage.SettleAsync(options.Settle);

        var ours = new Samples();
        ScrapeTiming? last = null;
        var usage = CpuUsage.Start();
        for (var i = 0; i < options.CrawlRuns; i++)
        {
            last = await scrapes.RunAsync(workspace, system.Site.BaseUrl);
            ours.Add(last.TotalMs);
        }

        var cpu = usage.Stop();

        var curl = new Samples();
        for (var i = 0; i <= options.CrawlRuns; i++)
        {
            var elapsed = await CurlAsync(pages);
            if (i > 0)
            {
                curl.Add(elapsed);
            }
        }

        var ratio = ours.P50 / curl.P50;
        report.Add(new Result(Scenario, $"{pages.Count} pages, start → completed (p50)", ours.P50, curl.P50, "ms", "≤ 1.2× curl", ratio <= 1.2,
            $"ours {ours.Summary()}; curl {curl.Summary()}"));
        report.Note($"{Scenario}, {options.CrawlRuns} runs one after another (the fixture site is served by the bench), CPU (% of one core): {cpu}.");
        report.Note($"{Scenario}: where one run's time went (its timeline, as GET /api/runs/{{runId}} shows it): {await TimelineAsync(last!)}");
    }

    /// <summary>One curl process, the pages fetched in order over one kept-alive connection, bodies discarded.</summary>
    private static async Task<double> CurlAsync(List<Uri> pages)
    {
        var started = Stopwatch.GetTimestamp();
        var (exitCode, output) = await ChildProcess.RunAsync("curl", ["-sS", "--fail", .. pages.SelectMany(page => new[] { "-o", "/dev/null", page.ToString() })]);
        var elapsed = Samples.Milliseconds(started, Stopwatch.GetTimestamp());
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"curl failed (exit {exitCode}): {output}");
        }

        return elapsed;
    }

    private async Task<string> TimelineAsync(ScrapeTiming run)
    {
        var details = await system.Api.RunAsync(workspace, run.RunId);
        var steps = details["steps"]!.AsArray()
            .Select(step => (
                Name: step!["name"]!.GetValue<string>(),
                Started: step["startedAt"]!.GetValue<DateTime>(),
                Ended: step["endedAt"]!.GetValue<DateTime>()))
            .OrderBy(step => step.Started)
            .ToList();
        var origin = steps.Count > 0 ? steps[0].Started : default;
        return $"total {run.TotalMs:0.0} ms, pickup {run.PickupMs:0.0} ms after the answer; steps (start offset + duration): "
            + string.Join(", ", steps.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{s.Name} +{(s.Started - origin).TotalMilliseconds:0.0} ({(s.Ended - s.Started).TotalMilliseconds:0.0} ms)")));
    }
}
