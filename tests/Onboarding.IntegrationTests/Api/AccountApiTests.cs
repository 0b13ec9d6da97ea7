using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Api.Authentication;
using Onboarding.Data.Infrastructure;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>The API key issued at claim time on the authenticated <c>/api</c> surface.</summary>
public sealed class AccountApiTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheIssuedKeyIdentifiesTheOrgAndTheClaimingUser()
    {
        var (key, slug, email) = await ClaimAsync();

        using var response = await Send(HttpMethod.Get, "/api/me", key);
        var me = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(slug, me["org"]!["slug"]!.GetValue<string>());
        Assert.StartsWith("org_", me["org"]!["id"]!.GetValue<string>());
        Assert.Equal(email, me["user"]!["email"]!.GetValue<string>());
        Assert.StartsWith("key_", me["apiKeyId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("onb_short")]
    [InlineData("wt_notakey")]
    public async Task AMissingOrMalformedKeyIsUnauthorized(string? key)
    {
        using var response = await Send(HttpMethod.Get, "/api/me", key);

        await AssertErrorAsync(response, 401, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task AKeyWithAWrongChecksumOrUnknownIsUnauthorized()
    {
        var (key, _, _) = await ClaimAsync();
        var flipped = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        var forged = "onb_" + new string('A', 43) + key[^6..];

        await AssertErrorAsync(await Send(HttpMethod.Get, "/api/me", flipped), 401, "unauthorized");
        await AssertErrorAsync(await Send(HttpMethod.Get, "/api/me", forged), 401, "unauthorized");
    }

    [Fact]
    public async Task RotatingRevokesTheOldKeyAndTheNewOneWorks()
    {
        var (key, slug, _) = await ClaimAsync();

        var rotations = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Send(HttpMethod.Post, "/api/keys/rotate", key)));

        var winner = Assert.Single(rotations, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(rotations.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        var fresh = (await ReadJsonAsync(winner))["apiKey"]!.GetValue<string>();
        Assert.NotEqual(key, fresh);
        await AssertErrorAsync(await Send(HttpMethod.Get, "/api/me", key), 401, "unauthorized");
        var me = await ReadJsonAsync(await Send(HttpMethod.Get, "/api/me", fresh));
        Assert.Equal(slug, me["org"]!["slug"]!.GetValue<string>());
    }

    [Fact]
    public async Task AKeyRotatedOnOneInstanceIsRefusedByAnotherThatRemembersIt()
    {
        await using var other = factory.WithSettings();
        var there = other.CreateClient();
        var (key, _, _) = await ClaimAsync();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/me", key, there)).StatusCode);

        using var rotated = await Send(HttpMethod.Post, "/api/keys/rotate", key);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);

        // The eviction travels over Redis pub/sub: a round trip, not a lifetime.
        var refused = await RetryAsync(() => Send(HttpMethod.Get, "/api/me", key, there), r => r.StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(2));
        await AssertErrorAsync(refused, 401, "unauthorized");
        var fresh = (await ReadJsonAsync(rotated))["apiKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/me", fresh, there)).StatusCode);
    }

    [Fact]
    public async Task AKeyRevokedWithoutAWordIsRememberedAtMostForTheCacheLifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var api = factory.WithTime(time);
        var http = api.CreateClient();
        var (key, _, _) = await new SessionsClient(http).ClaimWorkspaceAsync();
        var keyId = (await ReadJsonAsync(await Send(HttpMethod.Get, "/api/me", key, http)))["apiKeyId"]!.GetValue<string>();

        // Revoked behind the Api's back: no eviction is sent (as when the revoking instance died before sending it).
        await using (var db = api.Services.CreateScope().ServiceProvider.GetRequiredService<OnboardingDbContext>())
        {
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(k => k.SetProperty(x => x.RevokedAt, DateTimeOffset.UtcNow), Cancel);
        }

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/me", key, http)).StatusCode);
        time.Advance(ApiKeyCache.Lifetime + TimeSpan.FromSeconds(1));
        await AssertErrorAsync(await Send(HttpMethod.Get, "/api/me", key, http), 401, "unauthorized");
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string? key, HttpClient? http = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return (http ?? _client.Http).SendAsync(request, Cancel);
    }

    private static async Task<HttpResponseMessage> RetryAsync(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, bool> done, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var response = await send();
            if (done(response) || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(20, Cancel);
        }
    }

    private Task<(string Key, string Slug, string Email)> ClaimAsync() => _client.ClaimWorkspaceAsync();
}
