using System.Diagnostics;
using System.Text.Json.Nodes;
using Onboarding.ContextQuality;

// The workspace context's quality evaluation:
//   dotnet run --project bench/Onboarding.ContextQuality -- --api http://127.0.0.1:5080 --corpus DIR [--only a,b] [--details]
// DIR holds sites.json (name, dir, port, start of each site), expectations.json and the saved sites. Each site is
// served on 127.0.0.1 at its port, scraped into a new workspace through the Api, and its context graded.
var options = EvaluationOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: --api <the Api's base URL> --corpus <folder with sites.json, expectations.json and the sites> [--only a,b] [--details]");
    return 2;
}

var sites = JsonNode.Parse(File.ReadAllText(Path.Combine(options.Corpus, "sites.json")))!.AsArray()
    .Where(s => options.Only.Count == 0 || options.Only.Contains(s!["name"]!.GetValue<string>())).ToList();
var expectations = JsonNode.Parse(File.ReadAllText(Path.Combine(options.Corpus, "expectations.json")))!.AsObject();
using var http = new HttpClient { BaseAddress = options.Api, Timeout = TimeSpan.FromMinutes(2) };
var api = new ScrapeCalls(http);
var results = new List<SiteResult>();

foreach (var site in sites)
{
    var name = site!["name"]!.GetValue<string>();
    var port = site["port"]!.GetValue<int>();
    var start = site["start"]?.GetValue<string>() ?? "/";
    var checks = expectations[name]?.AsArray().Select(c => Check.From(c!)).ToList() ?? [];
    Console.Error.WriteLine($"{name}…");

    using var server = new SiteServer(Path.Combine(options.Corpus, site["dir"]!.GetValue<string>()), port);
    var key = await api.ClaimWorkspaceAsync(name);
    var clock = Stopwatch.StartNew();
    var (status, _) = await api.ScrapeAsync(key, new Uri($"http://127.0.0.1:{port}{start}"), TimeSpan.FromMinutes(5));
    var seconds = clock.Elapsed.TotalSeconds;
    var context = await api.ContextAsync(key);

    // Pages: what was answered 200 with a page; a duplicate is a page whose file had been served already.
    var pages = server.Requests.Where(r => r.Status == 200 && r.File is { } f && f.EndsWith(".html", StringComparison.Ordinal)).Select(r => r.File!).ToList();
    var passed = checks.Select(c => (Check: c, Passed: c.Passes(context))).ToList();
    results.Add(new SiteResult(name, status,
        passed.Count(p => !p.Check.Trap && p.Passed), checks.Count(c => !c.Trap),
        passed.Count(p => p.Check.Trap && p.Passed), checks.Count(c => c.Trap),
        pages.Distinct().Count(), pages.Count - pages.Distinct().Count(), seconds,
        passed.Where(p => !p.Passed).Select(p => (p.Check.Trap ? "trap hit: " : "missed: ") + p.Check.What).ToList()));
}

Console.WriteLine(Report.Table(results));
if (options.Details)
{
    Console.WriteLine(Report.Details(results));
}

return 0;

internal sealed record EvaluationOptions(Uri Api, string Corpus, IReadOnlySet<string> Only, bool Details)
{
    public static EvaluationOptions? Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (!Uri.TryCreate(Value("--api"), UriKind.Absolute, out var api) || Value("--corpus") is not { } corpus
            || !File.Exists(Path.Combine(corpus, "sites.json")) || !File.Exists(Path.Combine(corpus, "expectations.json")))
        {
            return null;
        }

        var only = Value("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return new EvaluationOptions(api, corpus, only.ToHashSet(), args.Contains("--details"));
    }
}
