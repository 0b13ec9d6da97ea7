using Onboarding.InterviewQuality;
using Onboarding.Testing;

// The founder interview's quality evaluation:
//   dotnet run --project bench/Onboarding.InterviewQuality -- --api http://127.0.0.1:5080 [--only quill,kilnhouse] [--details]
// Each scripted founder answers the question the interviewer actually asked, through /api/chat/stream and
// /api/chat/save, until the interview completes; then each brief field is graded against what the founder said.
var options = EvaluationOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: --api <the Api's base URL> [--only name,name] [--details]");
    return 2;
}

using var http = new HttpClient { BaseAddress = options.Api, Timeout = TimeSpan.FromMinutes(2) };
var api = new InterviewCalls(http);
var founders = ScriptedFounders.All.Where(f => options.Only.Count == 0 || options.Only.Contains(f.Name)).ToList();
var results = new List<FounderResult>();

// A trial workspace may start three interviews a month: three founders share one.
foreach (var group in founders.Chunk(3))
{
    var key = await api.ClaimWorkspaceAsync();
    foreach (var founder in group)
    {
        Console.Error.WriteLine($"{founder.Name}…");
        results.Add(await new FounderRun(api, key, founder).RunAsync());
    }
}

Console.WriteLine(Report.Table(results));
if (options.Details)
{
    Console.WriteLine(Report.Details(results));
}

return 0;

internal sealed record EvaluationOptions(Uri Api, IReadOnlySet<string> Only, bool Details)
{
    public static EvaluationOptions? Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (!Uri.TryCreate(Value("--api"), UriKind.Absolute, out var api))
        {
            return null;
        }

        var only = Value("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return new EvaluationOptions(api, only.ToHashSet(), args.Contains("--details"));
    }
}
