using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Onboarding.ContextQuality;

/// <summary>The calls a client makes to scrape a website into a new workspace, over HTTP only. A 429 is waited out as its Retry-After says.</summary>
internal sealed class ScrapeCalls(HttpClient http)
{
    /// <summary>Opens an agent session and claims it through its fallback link: a new workspace, whose API key this returns.</summary>
    public async Task<string> ClaimWorkspaceAsync(string tag)
    {
        var session = await SendAsync(HttpMethod.Post, "/onboarding/sessions", new { user_agent = "context-quality/1.0", project_hint = "context-quality/" + tag }, null);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var claim = await SendAsync(HttpMethod.Post, $"/onboarding/sessions/{session["session_id"]}/claim",
            new { email = $"analyst@{tag}-{suffix}.example", org_slug = $"{tag}-{suffix}" }, session["write_token"]!.GetValue<string>());
        var link = claim["magic_link_preview"]?.GetValue<string>()
            ?? throw new InvalidOperationException("The claim sent an email: run the system without a mailer so the link comes back.");
        var confirmed = await SendAsync(HttpMethod.Post, new Uri(link).PathAndQuery, null, null);
        return confirmed["api_key"]!.GetValue<string>();
    }

    /// <summary>Starts a scrape and polls its status until it completes or fails; the final status.</summary>
    public async Task<(string Status, string RunId)> ScrapeAsync(string key, Uri website, TimeSpan timeout)
    {
        var started = await SendAsync(HttpMethod.Post, "/api/onboarding/start-scraping", new { website = website.ToString() }, key);
        var sessionId = started["sessionId"]!.GetValue<string>();
        var runId = started["runId"]!.GetValue<string>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var status = (await SendAsync(HttpMethod.Get, $"/api/onboarding/status?sessionId={Uri.EscapeDataString(sessionId)}", null, key))["session"]!["status"]!.GetValue<string>();
            if (status is "completed" or "failed")
            {
                return (status, runId);
            }

            await Task.Delay(250);
        }

        return ("timed out", runId);
    }

    public Task<JsonNode> ContextAsync(string key) => SendAsync(HttpMethod.Get, "/api/context", null, key);

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, object? body, string? key)
    {
        while (true)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            if (key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(10);
                Console.Error.WriteLine($"  rate limited on {path}: waiting {wait.TotalSeconds:0} s");
                await Task.Delay(wait + TimeSpan.FromMilliseconds(200));
                continue;
            }

            var text = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode
                ? JsonNode.Parse(text)!
                : throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
    }
}
