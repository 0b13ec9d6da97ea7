using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Web.Extensions;
using Onboarding.Web.Services;

namespace Onboarding.Web.Tests.Claims;

/// <summary>
/// The claim calls as registered: the preview may be retried like any read, the confirmation never,
/// since a retry after a lost answer would meet 409 already_confirmed and the key would be gone.
/// </summary>
public sealed class ClaimClientTests
{
    [Fact]
    public async Task TheConfirmationIsSentOnceEvenWhenTheApiAnswers503()
    {
        var api = new CountingApi(HttpStatusCode.ServiceUnavailable);
        using var services = Services(api);

        var confirmation = await services.GetRequiredService<ClaimConfirmationClient>()
            .ConfirmClaimAsync(FakeClaimApi.ClaimId, FakeClaimApi.Token, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(ClaimFailure.ApiUnavailable, confirmation.Problem?.Failure);
        Assert.Equal(1, api.Requests);
    }

    [Fact]
    public async Task ThePreviewIsRetriedByTheSameDefaults()
    {
        // The contrast that shows the defaults in these tests do retry: the confirmation is exempt, not untested.
        var api = new CountingApi(HttpStatusCode.ServiceUnavailable);
        using var services = Services(api);

        var read = await services.GetRequiredService<OnboardingApiClient>()
            .PreviewClaimAsync(FakeClaimApi.ClaimId, FakeClaimApi.Token, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(ClaimFailure.ApiUnavailable, read.Problem?.Failure);
        Assert.True(api.Requests > 1, $"{api.Requests} request(s)");
    }

    [Fact]
    public async Task ARateLimitCarriesItsRetryAfter()
    {
        var api = new FakeClaimApi { ConfirmAnswer = () => FakeClaimApi.Error(HttpStatusCode.TooManyRequests, "rate_limited", retryAfter: TimeSpan.FromSeconds(42)) };
        using var http = new HttpClient(api) { BaseAddress = new Uri("http://api.test") };

        var confirmation = await new ClaimConfirmationClient(http, NullLogger<ClaimConfirmationClient>.Instance)
            .ConfirmClaimAsync(FakeClaimApi.ClaimId, FakeClaimApi.Token, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(new ClaimProblemDetails(ClaimFailure.RateLimited, "The Api says rate_limited.", null, TimeSpan.FromSeconds(42)), confirmation.Problem);
    }

    [Fact]
    public async Task ASuccessWithoutAKeyIsNotASuccess()
    {
        var api = new FakeClaimApi { ConfirmAnswer = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"ok":true}""", null, "application/json") } };
        using var http = new HttpClient(api) { BaseAddress = new Uri("http://api.test") };

        var confirmation = await new ClaimConfirmationClient(http, NullLogger<ClaimConfirmationClient>.Instance)
            .ConfirmClaimAsync(FakeClaimApi.ClaimId, FakeClaimApi.Token, Xunit.TestContext.Current.CancellationToken);

        Assert.Null(confirmation.Confirmed);
        Assert.Equal(ClaimFailure.ApiUnavailable, confirmation.Problem?.Failure);
    }

    [Fact]
    public void AConfirmedClaimNeverPrintsItsKey()
    {
        var confirmed = new ClaimConfirmed(true, "acme", FakeClaimApi.SessionId, FakeClaimApi.ApiKey, "key_1", FakeClaimApi.ApiKey[..12]);

        Assert.DoesNotContain(FakeClaimApi.ApiKey, confirmed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeClaimApi.ApiKey, ClaimConfirmation.Success(confirmed).ToString(), StringComparison.Ordinal);
    }

    /// <summary>The Web's registrations, with the standard resilience handler on every client as ServiceDefaults adds it.</summary>
    private static ServiceProvider Services(CountingApi api)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.ConfigureHttpClientDefaults(http => http
            .AddOnboardingResilienceHandler().Configure(options => options.Retry.Delay = TimeSpan.FromMilliseconds(1)));
        services.AddHttpClient<OnboardingApiClient>(client => client.BaseAddress = new Uri("http://api.test"))
            .ConfigurePrimaryHttpMessageHandler(() => api);
        services.AddClaimConfirmationClient()
            .ConfigureHttpClient(client => client.BaseAddress = new Uri("http://api.test"))
            .ConfigurePrimaryHttpMessageHandler(() => api);
        return services.BuildServiceProvider();
    }

    private sealed class CountingApi(HttpStatusCode status) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(FakeClaimApi.Error(status, "temporarily_unavailable"));
        }
    }
}
