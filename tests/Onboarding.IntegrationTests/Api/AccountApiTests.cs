using System.Net;
using System.Net.Http.Headers;
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

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string? key)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return _client.Http.SendAsync(request, Cancel);
    }

    private Task<(string Key, string Slug, string Email)> ClaimAsync() => _client.ClaimWorkspaceAsync();
}
