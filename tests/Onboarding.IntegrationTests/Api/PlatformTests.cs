using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

public sealed class PlatformTests(OnboardingApiFactory factory)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthAndLivenessAnswerWhenPostgresAndRedisAreUp()
    {
        var http = factory.CreateClient();

        using var health = await http.GetAsync("/health", Cancel);
        using var alive = await http.GetAsync("/alive", Cancel);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheSessionSurfaceWithExamples()
    {
        var http = factory.CreateClient();

        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json", Cancel))!;

        var paths = document["paths"]!.AsObject();
        Assert.Contains("/onboarding/sessions", paths.Select(p => p.Key));
        Assert.Contains("/onboarding/sessions/{sessionId}/events", paths.Select(p => p.Key));
        var append = paths["/onboarding/sessions/{sessionId}/events"]!["post"]!;
        Assert.Contains("64 KB", append["description"]!.GetValue<string>());
        Assert.Equal("onboarding.jurisdiction_selected",
            append["requestBody"]!["content"]!["application/json"]!["example"]!["events"]![0]!["type"]!.GetValue<string>());
        Assert.NotNull(append["responses"]!["413"]);
        Assert.NotNull(paths["/onboarding/sessions"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]);
    }

    [Fact]
    public async Task AViewReadsTraceKeepsItsTokenOutEvenWhenTheAppHostAsksForFullUrls()
    {
        // Arrange: what an Aspire AppHost sets for each project, so that its dashboard shows full URLs.
        var spans = new List<Activity>();
        using var api = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION", "true");
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        });
        var client = new SessionsClient(api.CreateClient());
        var session = await client.OpenAsync();

        // Act
        using var read = await client.ReadAsync(session.Id, session.ViewToken);

        // Assert: the read is traced, its query redacted; the token is in no span. The server's span ends after the
        // response has gone, so it may reach the exporter after the client has the answer.
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        bool IsTheRead(Activity span) => span.Kind == ActivityKind.Server && span.GetTagItem("url.path") is string path && path.EndsWith(session.Id, StringComparison.Ordinal);
        Activity[] recorded = [];
        await Eventually.TrueAsync(() =>
        {
            lock (spans)
            {
                recorded = [.. spans];
            }

            return recorded.Any(IsTheRead);
        }, TimeSpan.FromSeconds(10), "the read's server span to be exported");

        var server = Assert.Single(recorded, IsTheRead);
        Assert.Equal("?t=Redacted", server.GetTagItem("url.query") as string);
        var token = Uri.UnescapeDataString(session.ViewToken);
        Assert.DoesNotContain(recorded.SelectMany(span => span.TagObjects), tag => tag.Value?.ToString()?.Contains(token, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TheApiReferencePageIsServed()
    {
        var http = factory.CreateClient();

        using var response = await http.GetAsync("/scalar/v1", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task AppendsNotifyLiveViewersThroughRedisAfterCommit()
    {
        var client = new SessionsClient(factory.CreateClient());
        var session = await client.OpenAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(factory.Infrastructure.RedisConnectionString);
        var received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.GetSubscriber().SubscribeAsync(RedisChannels.Session(session.Id), (_, value) => received.TrySetResult((long)value));

        using (await client.AppendAsync(session, Batch(Event("onboarding.step", new { }), Event("onboarding.step", new { }))))
        {
        }

        Assert.Equal(3, await received.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel));
    }
}
