using System.Net;
using System.Net.Http.Json;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>Idempotency-Key on the public session surface: replays, concurrent retries, a key reused with another body, and a replayed open.</summary>
public sealed class SessionIdempotencyTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnIdempotentRetryReplaysTheFirstResponseAndAppendsNothing()
    {
        var session = await _client.OpenAsync();
        var batch = Batch(Event("onboarding.step", new { n = 1 }));

        using var first = await _client.AppendAsync(session, batch, idempotencyKey: "retry-1");
        using var second = await _client.AppendAsync(session, batch, idempotencyKey: "retry-1");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await second.Content.ReadAsStringAsync(Cancel));
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, (await _client.ReadOkAsync(session))["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneIdempotencyKeyAppendOnce()
    {
        var session = await _client.OpenAsync();
        var batch = Batch(Event("onboarding.step", new { n = 1 }));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _client.AppendAsync(session, batch, idempotencyKey: "burst")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(2, (await _client.ReadOkAsync(session))["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnIdempotencyKeyReusedWithAnotherBodyIsRefused()
    {
        var session = await _client.OpenAsync();

        using var first = await _client.AppendAsync(session, Batch(Event("onboarding.step", new { n = 1 })), idempotencyKey: "k");
        using var second = await _client.AppendAsync(session, Batch(Event("onboarding.step", new { n = 2 })), idempotencyKey: "k");

        await AssertErrorAsync(second, 422, "idempotency_key_reused");
        Assert.Equal(2, (await _client.ReadOkAsync(session))["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task AMalformedIdempotencyKeyIsInvalidRequest()
    {
        var session = await _client.OpenAsync();

        using var response = await _client.AppendAsync(session, Batch(Event("onboarding.step", new { })), idempotencyKey: new string('k', 256));

        await AssertErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task ReplayingAnOpenReturnsTheSameSessionWithAFreshWriteToken()
    {
        var body = new { user_agent = "agent/1", project_hint = "replay" };
        using var request1 = new HttpRequestMessage(HttpMethod.Post, "/onboarding/sessions") { Content = JsonContent.Create(body) };
        request1.Headers.Add("Idempotency-Key", "open-" + Guid.NewGuid());
        using var request2 = new HttpRequestMessage(HttpMethod.Post, "/onboarding/sessions") { Content = JsonContent.Create(body) };
        request2.Headers.Add("Idempotency-Key", request1.Headers.GetValues("Idempotency-Key").Single());

        var first = await ReadJsonAsync(await _client.Http.SendAsync(request1, Cancel));
        var second = await ReadJsonAsync(await _client.Http.SendAsync(request2, Cancel));

        Assert.Equal(first["session_id"]!.GetValue<string>(), second["session_id"]!.GetValue<string>());
        Assert.Equal(first["view_url"]!.GetValue<string>(), second["view_url"]!.GetValue<string>());
        var sessionId = first["session_id"]!.GetValue<string>();
        var batch = System.Text.Json.JsonSerializer.Serialize(Batch(Event("onboarding.x", new { })));
        using var withFresh = await _client.AppendRawAsync(sessionId, batch, second["write_token"]!.GetValue<string>());
        using var withFirst = await _client.AppendRawAsync(sessionId, batch, first["write_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, withFresh.StatusCode);
        await AssertErrorAsync(withFirst, 401, "token_invalid");
    }
}
