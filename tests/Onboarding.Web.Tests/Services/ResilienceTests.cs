using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;

namespace Onboarding.Web.Tests.Services;

/// <summary>The resilience every Web client gets from the service defaults: what it retries, and what it leaves final.</summary>
public sealed class ResilienceTests
{
    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, 1)]
    [InlineData(HttpStatusCode.ServiceUnavailable, 4)]
    public async Task ARateLimitIsFinalWhileAServerErrorIsRetried(HttpStatusCode status, int requests)
    {
        var api = new AnsweringApi(status);
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(http => http
            .AddOnboardingResilienceHandler().Configure(options => options.Retry.Delay = TimeSpan.FromMilliseconds(1)));
        services.AddHttpClient("api", client => client.BaseAddress = new Uri("http://api.test")).ConfigurePrimaryHttpMessageHandler(() => api);
        await using var provider = services.BuildServiceProvider();

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("api")
            .GetAsync("/api/runs", Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(requests, api.Requests);
    }

    private sealed class AnsweringApi(HttpStatusCode status) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(new HttpResponseMessage(status));
        }
    }
}
