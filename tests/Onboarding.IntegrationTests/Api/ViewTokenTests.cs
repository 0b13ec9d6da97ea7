using System.Net;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

public sealed class ViewTokenTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryReadRotatesTheTokenAndBothKeepWorking()
    {
        var session = await _client.OpenAsync();

        var first = await _client.ReadOkAsync(session);
        var second = await _client.ReadOkAsync(session);
        var rotated = first["view_token"]!.GetValue<string>();

        Assert.NotEqual(session.ViewToken, rotated);
        Assert.StartsWith($"{OnboardingApiFactory.PublicWebUrl}/onboarding/{session.Id}?t=", first["view_url"]!.GetValue<string>());
        using var withRotated = await _client.ReadAsync(session.Id, rotated);
        Assert.Equal(HttpStatusCode.OK, withRotated.StatusCode);
        Assert.NotNull(second["view_token"]);
    }

    [Fact]
    public async Task ViewerReadsAreNeverCachedNorLeakedThroughReferrers()
    {
        var session = await _client.OpenAsync();

        using var response = await _client.ReadAsync(session.Id, session.ViewToken);

        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task ATamperedTokenIsInvalid()
    {
        var session = await _client.OpenAsync();
        var token = session.ViewToken;
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];

        using var response = await _client.ReadAsync(session.Id, tampered);

        await AssertErrorAsync(response, 401, "token_invalid");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AMissingOrMalformedTokenIsInvalid(string token)
    {
        var session = await _client.OpenAsync();

        using var response = await _client.ReadAsync(session.Id, token);

        await AssertErrorAsync(response, 401, "token_invalid");
    }

    [Fact]
    public async Task AnotherSessionsTokenIsInvalid()
    {
        var session = await _client.OpenAsync();
        var other = await _client.OpenAsync();

        using var response = await _client.ReadAsync(session.Id, other.ViewToken);

        await AssertErrorAsync(response, 401, "token_invalid");
    }

    [Fact]
    public async Task RevokingInvalidatesEveryEarlierTokenAndHandsOutANewLink()
    {
        var session = await _client.OpenAsync();
        var rotated = (await _client.ReadOkAsync(session))["view_token"]!.GetValue<string>();
        using var revoke = new HttpRequestMessage(HttpMethod.Post, $"/onboarding/sessions/{session.Id}/view-tokens/revoke");
        revoke.Headers.Authorization = new("Bearer", session.WriteToken);

        using var revoked = await _client.Http.SendAsync(revoke, Cancel);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var newUrl = (await ReadJsonAsync(revoked))["view_url"]!.GetValue<string>();
        using var original = await _client.ReadAsync(session.Id, session.ViewToken);
        using var earlierRotation = await _client.ReadAsync(session.Id, rotated);
        using var fresh = await _client.ReadAsync(session.Id, newUrl[(newUrl.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);
        await AssertErrorAsync(original, 401, "token_invalid");
        await AssertErrorAsync(earlierRotation, 401, "token_invalid");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task RevokingNeedsTheWriteToken()
    {
        var session = await _client.OpenAsync();

        using var response = await _client.Http.PostAsync($"/onboarding/sessions/{session.Id}/view-tokens/revoke", null, Cancel);

        await AssertErrorAsync(response, 401, "token_invalid");
    }

    [Fact]
    public async Task ARotatedTokenExpiresWhileTheSharedLinkKeepsWorking()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = new SessionsClient(factory.WithTime(time).CreateClient());
        var session = await client.OpenAsync();
        var rotated = (await client.ReadOkAsync(session))["view_token"]!.GetValue<string>();

        time.Advance(TimeSpan.FromDays(2));

        using var expired = await client.ReadAsync(session.Id, rotated);
        using var shared = await client.ReadAsync(session.Id, session.ViewToken);
        await AssertErrorAsync(expired, 401, "token_invalid");
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
    }

    [Fact]
    public async Task AfterThirtyDaysTheSessionIsExpiredForReadersAndWriters()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = new SessionsClient(factory.WithTime(time).CreateClient());
        var session = await client.OpenAsync();

        time.Advance(TimeSpan.FromDays(30));

        using var read = await client.ReadAsync(session.Id, session.ViewToken);
        using var append = await client.AppendAsync(session, Batch(Event("onboarding.late", new { })));
        await AssertErrorAsync(read, 410, "session_expired");
        await AssertErrorAsync(append, 410, "session_expired");
    }
}
