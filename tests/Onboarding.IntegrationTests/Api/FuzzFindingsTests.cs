using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>What the fuzzer (<c>Fuzzing/ApiFuzzTests</c>) found, each kept as a test of its own. Each answered 500 before its fix.</summary>
public sealed class FuzzFindingsTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AContextsCompanyNameLongerThanItsColumnIsRefusedAndOneThatFitsIsKept()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();

        using var refused = await SendAsync(key, HttpMethod.Put, "/api/context", Context(new string('n', 201)));
        using var kept = await SendAsync(key, HttpMethod.Put, "/api/context", Context(new string('n', 200)));

        await AssertErrorAsync(refused, 400, "invalid_request");
        Assert.Contains("companyContext.name", (await ReadJsonAsync(refused))["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(new string('n', 200), (await ReadJsonAsync(kept))["companyName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABriefsCompanyNameLongerThanTheProjectsIsRefusedInTheInterviewsEnvelope()
    {
        var (key, _, _) = await _client.ClaimWorkspaceAsync();
        using var started = await SendAsync(key, HttpMethod.Post, "/api/interview/start", new { });
        var sessionId = (await ReadJsonAsync(started))["sessionId"]!.GetValue<string>();

        using var refused = await SendAsync(key, HttpMethod.Post, "/api/interview/complete", Completion(sessionId, new string('n', 201)));
        using var completed = await SendAsync(key, HttpMethod.Post, "/api/interview/complete", Completion(sessionId, new string('n', 200)));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await ReadJsonAsync(refused))["error"]!;
        Assert.Equal("INVALID_REQUEST", error["code"]!.GetValue<string>());
        Assert.Contains("entrepreneurBrief.company_name", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(new string('n', 200), (await ReadJsonAsync(completed))["projectCreated"]!["projectName"]!.GetValue<string>());
    }

    private static object Context(string companyName) => new { companyContext = new { name = companyName, website = "https://acme.example" } };

    private static object Completion(string sessionId, string companyName) =>
        new { sessionId, finalConfirmation = true, entrepreneurBrief = new Dictionary<string, string> { ["company_name"] = companyName } };

    private async Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _client.Http.SendAsync(request, Cancel);
    }
}
