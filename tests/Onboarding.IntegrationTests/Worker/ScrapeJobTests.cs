using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using Onboarding.Worker.Extensions;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Worker;

/// <summary>
/// The whole scrape, from start-scraping on the Api to the context on the profile, with a real worker host crawling
/// the Ledgerline fixture site. Its worker takes every queued scrape, so the class runs alone: other tests expect
/// their scrapes to stay pending.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
[Collection(typeof(ScrapeJobTests))]
public sealed class ScrapeJobTests(OnboardingApiFactory factory) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly SessionsClient _client = new(factory.CreateClient());
    private FixtureSite _site = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _site = await FixtureSite.StartAsync();

    public async ValueTask DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task AScrapeCrawlsTenPagesAndWritesAContextThatNamesTheCompanyAndItsAudience()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        using var worker = await StartWorkerAsync(allowPrivateNetworks: true);

        var started = await StartAsync(key, _site.BaseUrl.ToString());
        var session = await WaitForFinalStatusAsync(key, started.SessionId);

        Assert.Equal("completed", session["status"]!.GetValue<string>());
        Assert.Equal(FixtureSite.CompanyName, session["companyName"]!.GetValue<string>());
        Assert.Equal(10, session["pagesFetched"]!.GetValue<int>());
        // Every page the fixture links to, however the last progress write and the result fell.
        Assert.Equal(16, session["pagesFound"]!.GetValue<int>());
        Assert.Null(session["errorStep"]);

        var context = await GetAsync(key, "/api/context");
        var company = context["companyContext"]!;
        Assert.Equal(FixtureSite.CompanyName, company["name"]!.GetValue<string>());
        Assert.Contains("accounts payable", company.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        // The audience: manufacturers, and the finance people who run accounts payable there.
        var icp = context["icp"]!;
        Assert.Contains("Manufacturing", icp["industries"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Contains("Controllers", icp["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        var sources = context.ToJsonString();
        Assert.Contains(_site.BaseUrl.ToString(), sources, StringComparison.Ordinal);
        Assert.DoesNotContain("/partners", sources, StringComparison.Ordinal);
        Assert.NotNull(context["contextGeneratedAt"]);

        // The run's timeline: every step of the trace, under the run id the client got. The span around the completing
        // write ends after it, so its step is saved a moment after the session reads completed.
        JsonNode run = null!;
        List<string> steps = [];
        await Eventually.TrueAsync(async () =>
        {
            run = await GetAsync(key, $"/api/runs/{started.RunId}");
            steps = run["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
            return steps.Contains("write_profile");
        }, Patience, "the run's last step to be saved");
        Assert.Equal("succeeded", run["run"]!["state"]!.GetValue<string>());
        Assert.Equal(session["traceId"]!.GetValue<string>(), run["run"]!["traceId"]!.GetValue<string>());
        Assert.Subset(steps.ToHashSet(), new HashSet<string> { "looking_up", "gathering_info", "generating_context", "generate.company", "generate.market", "generate.icp", "write_profile", "fetch /", "fetch /robots.txt" });
        Assert.Equal(10, steps.Count(s => s.StartsWith("fetch /", StringComparison.Ordinal) && s != "fetch /robots.txt"));
    }

    [Fact]
    public async Task TheRequestAndEveryWorkerStepOfARunAreOneTraceCarryingTheRunId()
    {
        // Both hosts export their spans, as they would to an OTLP collector.
        var apiSpans = new List<Activity>();
        var workerSpans = new List<Activity>();
        using var api = factory.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(apiSpans))));
        var client = new SessionsClient(api.CreateClient());
        var (key, _, _) = await client.ClaimWorkspaceAsync();
        var logs = new LogCapture();
        using var worker = await StartWorkerAsync(allowPrivateNetworks: true, tracing => tracing.AddInMemoryExporter(workerSpans), logs);

        var started = await StartAsync(key, _site.BaseUrl.ToString(), client);
        Assert.Equal("completed", (await WaitForFinalStatusAsync(key, started.SessionId))["status"]!.GetValue<string>());
        await worker.StopAsync(Cancel);

        Activity[] request;
        lock (apiSpans)
        {
            request = [.. apiSpans.Where(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("start-scraping", StringComparison.Ordinal))];
        }

        var api1 = Assert.Single(request);
        Assert.Equal(started.RunId, api1.GetTagItem(RunTelemetry.RunIdTag));
        List<Activity> run;
        lock (workerSpans)
        {
            // The Worker's spans of this trace: the job and everything under it (the process is shared with the Api,
            // so the request's own database spans show up in both exports).
            run = [.. workerSpans.Where(s => s.TraceId == api1.TraceId && s.Kind != ActivityKind.Server && (s.ParentSpanId != api1.SpanId || s.DisplayName == "job scrape"))];
        }

        var names = run.Select(s => s.DisplayName).ToHashSet();
        Assert.Subset(names, new HashSet<string> { "job scrape", "looking_up", "fetch /", "gathering_info", "generating_context", "generate.company", "generate.market", "generate.icp", "write_profile" });
        Assert.All(run, span => Assert.Equal(started.RunId, span.GetTagItem(RunTelemetry.RunIdTag)));
        // The job's span continues the request's.
        Assert.Equal(api1.SpanId, run.Single(s => s.DisplayName == "job scrape").ParentSpanId);

        // And every log line the run wrote, the crawler's included, carries the run id.
        // (The worker also takes scrapes other tests queued, so only lines about this test's site are this run's.)
        var lines = logs.Entries.Where(e => e.Contains(_site.BaseUrl.Authority, StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, e => e.Contains("Crawled 10 pages", StringComparison.Ordinal));
        Assert.All(lines, e => Assert.Contains($"{RunTelemetry.RunIdTag}={started.RunId}", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheResultKeepsTheFinalPageCountsWhenProgressWritesLagBehindTheRun()
    {
        // Arrange: every progress write takes 300 ms, so the crawl ends while its last counts still wait to be written.
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        await using var slow = await SchemaChange.ApplyAsync(factory, """
            CREATE FUNCTION slow_progress() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.status NOT IN ('completed', 'failed') THEN PERFORM pg_sleep(0.3); END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER slow_progress BEFORE UPDATE ON onboarding_sessions FOR EACH ROW EXECUTE FUNCTION slow_progress();
            """, undo: "DROP TRIGGER slow_progress ON onboarding_sessions; DROP FUNCTION slow_progress();");
        using var worker = await StartWorkerAsync(allowPrivateNetworks: true);

        // Act
        var started = await StartAsync(key, _site.BaseUrl.ToString());
        var session = await WaitForFinalStatusAsync(key, started.SessionId);

        // Assert: the progress still queued was dropped, and the result wrote the counts it would have.
        Assert.Equal(("completed", 10, 16),
            (session["status"]!.GetValue<string>(), session["pagesFetched"]!.GetValue<int>(), session["pagesFound"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ADomainThatDoesNotResolveFailsAtLookingUpWithAClearMessage()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        using var worker = await StartWorkerAsync(allowPrivateNetworks: true);

        var started = await StartAsync(key, "https://no-such-company.invalid/");
        var session = await WaitForFinalStatusAsync(key, started.SessionId);

        Assert.Equal(("failed", "looking_up"), (session["status"]!.GetValue<string>(), session["errorStep"]!.GetValue<string>()));
        Assert.Equal("The website's domain no-such-company.invalid could not be found (DNS lookup failed).", session["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task AMissingHomePageFailsAtLookingUp()
    {
        await using var missing = await FixtureSite.StartAsync(homeStatus: 404);
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        using var worker = await StartWorkerAsync(allowPrivateNetworks: true);

        var started = await StartAsync(key, missing.BaseUrl.ToString());
        var session = await WaitForFinalStatusAsync(key, started.SessionId);

        Assert.Equal(("failed", "looking_up", "The home page returned 404 Not Found."),
            (session["status"]!.GetValue<string>(), session["errorStep"]!.GetValue<string>(), session["errorMessage"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ABlockedAddressFailsAtLookingUpWithoutARequestReachingIt()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        using var worker = await StartWorkerAsync(allowPrivateNetworks: false);

        var started = await StartAsync(key, _site.BaseUrl.ToString());
        var session = await WaitForFinalStatusAsync(key, started.SessionId);

        Assert.Equal(("failed", "looking_up"), (session["status"]!.GetValue<string>(), session["errorStep"]!.GetValue<string>()));
        Assert.Contains("127.0.0.1, a private or reserved network address, which is not allowed", session["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
    }

    [Fact]
    public async Task RegenerateCrawlsTheWebsiteAgainAndReplacesTheContext()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        using var worker = await StartWorkerAsync(allowPrivateNetworks: true);

        using var response = await SendAsync(HttpMethod.Post, "/api/context/regenerate", key, new { website = _site.BaseUrl.ToString(), freeformContext = "We also sell to food processors." });
        var runId = (await ReadJsonAsync(response))["runId"]!.GetValue<string>();
        await Eventually.TrueAsync(
            async () => (await GetAsync(key, $"/api/runs/{runId}"))["run"]!["state"]!.GetValue<string>() is "succeeded" or "failed", Patience, "the run to finish");

        var run = await GetAsync(key, $"/api/runs/{runId}");
        Assert.Equal("succeeded", run["run"]!["state"]!.GetValue<string>());
        var context = await GetAsync(key, "/api/context");
        Assert.Equal(FixtureSite.CompanyName, context["companyContext"]!["name"]!.GetValue<string>());
        Assert.Equal("We also sell to food processors.", context["extraContext"]!["freeform"]!.GetValue<string>());
    }

    private async Task<IHost> StartWorkerAsync(bool allowPrivateNetworks, Action<TracerProviderBuilder>? tracing = null, LogCapture? logs = null)
    {
        var host = Workspaces.CreateWorkerHost(factory, builder =>
        {
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }

            builder.AddJobRunner();
            builder.AddScraping();
            if (tracing is not null)
            {
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing);
            }
        }, ("Crawler:AllowPrivateNetworks", allowPrivateNetworks ? "true" : "false"), ("Jobs:PollInterval", "00:00:00.200"), ("Crawler:PageTimeout", "00:00:05"));
        await host.StartAsync(Cancel);
        return host;
    }

    private async Task<(string SessionId, string RunId)> StartAsync(string key, string website, SessionsClient? client = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/onboarding/start-scraping", key, new { website }, client);
        var body = await ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return (body["sessionId"]!.GetValue<string>(), body["runId"]!.GetValue<string>());
    }

    private async Task<JsonNode> WaitForFinalStatusAsync(string key, string sessionId)
    {
        JsonNode session = null!;
        await Eventually.TrueAsync(async () =>
        {
            session = (await GetAsync(key, $"/api/onboarding/status?sessionId={sessionId}"))["session"]!;
            return session["status"]!.GetValue<string>() is "completed" or "failed";
        }, Patience, "the session to complete or fail");
        return session;
    }

    private async Task<JsonNode> GetAsync(string key, string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path, key, null);
        return await ReadJsonAsync(response);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, object? body, SessionsClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await (client ?? _client).Http.SendAsync(request, Cancel);
    }
}
