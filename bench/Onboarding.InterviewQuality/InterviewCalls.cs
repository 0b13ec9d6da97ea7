using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;

namespace Onboarding.InterviewQuality;

/// <summary>The calls a client of the interview makes, over HTTP only. A 429 is waited out as its Retry-After says.</summary>
internal sealed class InterviewCalls(HttpClient http)
{
    /// <summary>Opens an agent session and claims it through its fallback link: a new workspace, whose API key this returns.</summary>
    public async Task<string> ClaimWorkspaceAsync()
    {
        var session = await SendAsync(HttpMethod.Post, "/onboarding/sessions", new { user_agent = "interview-quality/1.0" }, null);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var claim = await SendAsync(HttpMethod.Post, $"/onboarding/sessions/{session["session_id"]}/claim",
            new { email = $"founder@quality-{suffix}.example", org_slug = $"quality-{suffix}" }, session["write_token"]!.GetValue<string>());
        var link = claim["magic_link_preview"]?.GetValue<string>()
            ?? throw new InvalidOperationException("The claim sent an email: run the system without a mailer so the link comes back.");
        var confirmed = await SendAsync(HttpMethod.Post, new Uri(link).PathAndQuery, null, null);
        return confirmed["api_key"]!.GetValue<string>();
    }

    public Task<JsonNode> StartAsync(string key) => SendAsync(HttpMethod.Post, "/api/interview/start", new { forceNew = true }, key);

    /// <summary>The interviewer's reply to the founder's message: the stream's closing event.</summary>
    public async Task<JsonNode> StreamAsync(string key, string sessionId, string message)
    {
        while (true)
        {
            using var request = Request(HttpMethod.Post, "/api/chat/stream", new { sessionId, messages = new[] { new { role = "user", content = message } } }, key);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (await WaitedOutAsync(response))
            {
                continue;
            }

            await EnsureAsync(response);
            await using var body = await response.Content.ReadAsStreamAsync();
            await foreach (var item in SseParser.Create(body).EnumerateAsync())
            {
                if (item.EventType is "done" or "error")
                {
                    return item.EventType == "done" ? JsonNode.Parse(item.Data)! : throw new InvalidOperationException($"stream: {item.Data}");
                }
            }

            throw new InvalidOperationException("The stream ended without its done event.");
        }
    }

    public Task<JsonNode> SaveAsync(string key, string sessionId, string message, string reply, int version) =>
        SendAsync(HttpMethod.Post, "/api/chat/save", new
        {
            sessionId,
            messageId = "msg_" + Guid.NewGuid().ToString("N"),
            userMessage = new { role = "user", content = message, timestamp = DateTimeOffset.UtcNow },
            assistantMessage = new { role = "assistant", content = reply, timestamp = DateTimeOffset.UtcNow },
            expectedVersion = version,
        }, key);

    public Task<JsonNode> BriefAsync(string key, string sessionId) =>
        SendAsync(HttpMethod.Get, $"/api/interview/brief?sessionId={Uri.EscapeDataString(sessionId)}", null, key);

    /// <summary>The development-only view of the assessment's evidence, or null where the system does not serve it.</summary>
    public async Task<JsonNode?> DebugAsync(string key, string sessionId)
    {
        using var request = Request(HttpMethod.Get, $"/api/interview/debug?sessionId={Uri.EscapeDataString(sessionId)}", null, key);
        using var response = await http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonNode.Parse(await EnsureAsync(response));
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, object? body, string? key)
    {
        while (true)
        {
            using var request = Request(method, path, body, key);
            using var response = await http.SendAsync(request);
            if (!await WaitedOutAsync(response))
            {
                return JsonNode.Parse(await EnsureAsync(response))!;
            }
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body, string? key)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    /// <summary>True after waiting out a 429, so the caller sends again.</summary>
    private static async Task<bool> WaitedOutAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return false;
        }

        var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(10);
        Console.Error.WriteLine($"  rate limited on {response.RequestMessage?.RequestUri?.AbsolutePath}: waiting {wait.TotalSeconds:0} s");
        await Task.Delay(wait + TimeSpan.FromMilliseconds(200));
        return true;
    }

    private static async Task<string> EnsureAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? text
            : throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {text}");
    }
}
