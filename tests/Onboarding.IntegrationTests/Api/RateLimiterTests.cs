using System.Net;
using Onboarding.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace Onboarding.IntegrationTests.Api;

/// <summary>
/// A limit that fails closed refuses when Redis cannot answer, never because this process is slow. These tests starve the
/// process of CPU or pause the shared Redis, so they run alone.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
[Collection(typeof(RateLimiterTests))]
public sealed class RateLimiterTests(OnboardingApiFactory factory)
{
    private const int Lookups = 200;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AProcessShortOfCpuIsAnsweredByRedisAndRefusesNothing()
    {
        using var http = factory.CreateClient();
        using var _ = await http.GetAsync("/onboarding/lookup?domain=example.com", Cancel);

        using var starving = new CpuStarvation(busyThreads: 8);
        var answers = await LookUpAsync(http);

        Assert.Equal([(HttpStatusCode.OK, Lookups)], Count(answers));
    }

    [Fact]
    public async Task WithRedisUnreachableEveryLookupIsRefusedWithRetryAfter()
    {
        using var http = factory.WithSettings(("ConnectionStrings:redis", "127.0.0.1:1,connectTimeout=200")).CreateClient();
        using var _ = await http.GetAsync("/onboarding/lookup?domain=example.com", Cancel);

        using var starving = new CpuStarvation(busyThreads: 8);
        var answers = await LookUpAsync(http, count: 20);

        Assert.Equal([(HttpStatusCode.ServiceUnavailable, 20)], Count(answers));
        Assert.All(answers, a => Assert.Equal(TimeSpan.FromSeconds(5), a.RetryAfter));
    }

    [Fact]
    public async Task ARedisThatAnswersNothingIsUnreachableAndEveryLookupIsRefusedWithRetryAfter()
    {
        using var http = factory.CreateClient();
        using var _ = await http.GetAsync("/onboarding/lookup?domain=example.com", Cancel);
        var options = ConfigurationOptions.Parse(factory.Infrastructure.RedisConnectionString);
        options.AllowAdmin = true;

        // Connected but silent: every client paused. Closing the connection that paused them ends the pause.
        (HttpStatusCode Status, TimeSpan? RetryAfter)[] answers;
        await using (var pausing = await ConnectionMultiplexer.ConnectAsync(options))
        {
            await pausing.GetServers()[0].ExecuteAsync("CLIENT", "PAUSE", 10_000L, "ALL");
            answers = await LookUpAsync(http, count: 20);
            await pausing.CloseAsync(allowCommandsToComplete: false);
        }

        Assert.Equal([(HttpStatusCode.ServiceUnavailable, 20)], Count(answers));
        Assert.All(answers, a => Assert.Equal(TimeSpan.FromSeconds(5), a.RetryAfter));
    }

    private static async Task<(HttpStatusCode Status, TimeSpan? RetryAfter)[]> LookUpAsync(HttpClient http, int count = Lookups) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await http.GetAsync($"/onboarding/lookup?domain=example{i}.com", Cancel);
            return (response.StatusCode, response.Headers.RetryAfter?.Delta);
        }));

    private static List<(HttpStatusCode, int)> Count((HttpStatusCode Status, TimeSpan? RetryAfter)[] answers) =>
        [.. answers.GroupBy(a => a.Status).Select(g => (g.Key, g.Count()))];
}
