using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>
/// Every operation of the OpenAPI document, every field of its body, its path and query, its headers and its body as a
/// whole, filled with hostile values (<see cref="HostileValues"/>), against the real Api on a database of its own (see
/// docs/reliability.md). ONBOARDING_FUZZ_SEED and ONBOARDING_FUZZ_REQUESTS choose the random cases (seed 18, 20,000
/// requests in all by default); ONBOARDING_FUZZ_CASES=12,345 sends only those cases. A failure names its seed and cases.
/// </summary>
public sealed class ApiFuzzTests(OnboardingApiFactory factory)
{
    private const int MaxFailuresShown = 25;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoHostileRequestGetsAServerErrorAnUndocumentedAnswerOrAWrite()
    {
        var seed = Setting("ONBOARDING_FUZZ_SEED") ?? 18;
        var requests = Setting("ONBOARDING_FUZZ_REQUESTS") ?? 20_000;
        var only = Environment.GetEnvironmentVariable("ONBOARDING_FUZZ_CASES")?.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToHashSet();
        await using var log = await WriteLog.CreateAsync(factory.Infrastructure.PostgresConnectionString, Cancel);
        await using var api = factory.WithSettings(("ConnectionStrings:onboardingdb", log.ConnectionString));
        using var http = api.CreateClient();
        var document = new ApiDocument(JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json", Cancel))!);
        Assert.Equal(FuzzWorld.Baselines.Keys.Order(), document.Operations.Select(o => o.Key).Order());
        var run = new FuzzRun(http, document, log);

        // Each valid call is accepted, or the cases would only show that an invalid call is refused.
        foreach (var operation in document.Operations)
        {
            var (status, body) = await run.SendValidAsync(operation);
            Assert.True(status < 400, $"The valid call of {operation} answered {status}: {body}");
        }

        var exhaustive = FuzzCases.All(document, seed, randomCount: 0).Count();
        var clock = Stopwatch.StartNew();
        foreach (var fuzzCase in FuzzCases.All(document, seed, randomCount: Math.Max(2_000, requests - exhaustive)).Where(c => only?.Contains(c.Number) != false))
        {
            await run.CheckAsync(fuzzCase);
        }

        await run.CheckWritesAsync();

        var elapsed = clock.Elapsed;
        var fields = document.Operations.Sum(op => (op.TakesBody ? FuzzCases.FieldsOf(op).Count : 0) + op.Parameters.Count);
        var summary = $"seed {seed}: {run.Sent:N0} requests ({exhaustive:N0} of every kind, {run.Sent - exhaustive:N0} random) over {document.Operations.Count} "
            + $"operations and {fields} fields and parameters; {HostileValues.Corpus.Count} body values, {HostileValues.UrlValues.Count} path and query "
            + $"values; {elapsed.TotalSeconds:N0} s; answers {string.Join(", ", run.Statuses.Select(s => $"{s.Key} × {s.Value:N0}"))}; {run.Failures.Count} failures";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "onboarding-fuzz-outcomes.md"), $"- {DateTime.UtcNow:u}: {summary}{Environment.NewLine}");
        Assert.True(run.Failures.Count == 0,
            $"ONBOARDING_FUZZ_SEED={seed}: {run.Failures.Count} of {run.Sent:N0} requests failed (server errors first):\n"
            + string.Join('\n', run.Failures.OrderBy(f => f.Problem == "a server error" ? 0 : 1).Take(MaxFailuresShown).Select(f => f.Message)));
        await AssertTheAppendedChainVerifiesAsync(http, run.WorldOf(document.Operations.Single(o => o.Key == "POST /onboarding/sessions/{sessionId}/events")), all: only is null);
    }

    /// <summary>The chain the append cases wrote verifies from the bytes a read returns.</summary>
    private static async Task AssertTheAppendedChainVerifiesAsync(HttpClient http, FuzzWorld world, bool all)
    {
        var session = await world.ValueAsync("session");
        using var response = await http.GetAsync($"/onboarding/sessions/{session}?t={Uri.EscapeDataString(await world.ValueAsync("viewToken"))}", Cancel);
        var raw = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, raw);
        Assert.True(!all || JsonNode.Parse(raw)!["events"]!.AsArray().Count > 100, "The append cases appended next to nothing.");
        Chain.AssertVerifies(raw);
    }

    private static int? Setting(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
