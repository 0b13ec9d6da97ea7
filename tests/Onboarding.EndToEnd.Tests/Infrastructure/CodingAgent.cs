using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Onboarding.EndToEnd.Tests.Infrastructure;

/// <summary>A session as its coding agent holds it.</summary>
public sealed record AgentSession(string Id, string ViewUrl, string WriteToken)
{
    public string ViewToken => Uri.UnescapeDataString(ViewUrl[(ViewUrl.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);
}

/// <summary>Plays the coding agent of the session contract against the composed system: opens a session, streams events, asks for the claim.</summary>
public sealed partial class CodingAgent(ComposedSystem system)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async Task<AgentSession> OpenSessionAsync()
    {
        using var response = await system.Api.PostAsJsonAsync("/onboarding/sessions", new { user_agent = "e2e-agent/1.0", project_hint = "github.com/acme/e2e" }, Cancel);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        var viewUrl = body["view_url"]!.GetValue<string>();
        Assert.StartsWith(system.App.WebUrl, viewUrl, StringComparison.Ordinal);
        return new AgentSession(body["session_id"]!.GetValue<string>(), viewUrl, body["write_token"]!.GetValue<string>());
    }

    public async Task AppendAsync(AgentSession session, params object[] events)
    {
        using var response = await SendAsync(session, $"/onboarding/sessions/{session.Id}/events", new { events });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    /// <summary>Asks for the claim and returns the link from the email the developer receives.</summary>
    public async Task<Uri> RequestClaimAsync(AgentSession session, string email, string slug)
    {
        using var response = await SendAsync(session, $"/onboarding/sessions/{session.Id}/claim", new { email, org_slug = slug });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        Assert.Equal("email", body["delivery"]!.GetValue<string>());
        Assert.Null(body["magic_link_preview"]);
        var claimId = body["claim_id"]!.GetValue<string>();

        var message = await ReceivedAsync($"claim/{claimId}");
        Assert.Equal([body["magic_link_sent_to"]!.GetValue<string>()], message.Body["to"]!.AsArray().Select(to => to!.GetValue<string>()));
        var link = new Uri(ClaimLink().Match(message.Body["text"]!.GetValue<string>()).Value);
        Assert.Equal(new Uri(system.App.WebUrl).Authority, link.Authority);
        Assert.Equal($"/onboarding/claim/{claimId}", link.AbsolutePath);
        return link;
    }

    /// <summary>The Api answers "email" when the send succeeded or is still pending (a slow Worker), so allow a few seconds.</summary>
    private async Task<Testing.ResendRequest> ReceivedAsync(string idempotencyKey)
    {
        for (var waited = 0; waited < 100 && !system.Mailbox.For(idempotencyKey).Any(); waited++)
        {
            await Task.Delay(100, Cancel);
        }

        return Assert.Single(system.Mailbox.For(idempotencyKey));
    }

    /// <summary>Opens a session, claims it by its emailed link and returns the new org's API key.</summary>
    public async Task<string> ClaimWorkspaceAsync() => (await ClaimSessionAsync("ws")).Key;

    /// <summary>Opens a session and claims it by its emailed link for an org named <paramref name="prefix"/>-…; the session goes on.</summary>
    public async Task<(AgentSession Session, string Key)> ClaimSessionAsync(string prefix)
    {
        var session = await OpenSessionAsync();
        var slug = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        var link = await RequestClaimAsync(session, $"dev@{slug}.dev", slug);
        using var confirmed = await system.Api.PostAsync(link.PathAndQuery, null, Cancel);
        return (session, JsonNode.Parse(await confirmed.Content.ReadAsStringAsync(Cancel))!["api_key"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> SendAsync(AgentSession session, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.WriteToken);
        return await system.Api.SendAsync(request, Cancel);
    }

    [GeneratedRegex(@"https?://\S+/onboarding/claim/\S+")]
    private static partial Regex ClaimLink();
}
