using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>The founder interview surface as a client uses it, with one workspace's API key.</summary>
public sealed class InterviewClient(HttpClient http, string key)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public string Key => key;

    public Task<HttpResponseMessage> PostAsync(string path, object? body, string? idempotencyKey = null) =>
        PostRawAsync(path, body is null ? null : JsonSerializer.Serialize(body), idempotencyKey);

    public async Task<HttpResponseMessage> PostRawAsync(string path, string? json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request, Cancel);
    }

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request, Cancel);
    }

    /// <summary>POSTs and reads the JSON answer, whatever its status.</summary>
    public async Task<JsonNode> PostJsonAsync(string path, object? body)
    {
        using var response = await PostAsync(path, body);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
    }

    public async Task<JsonNode> StartAsync(object? body = null) => await PostJsonAsync("/api/interview/start", body ?? new { });

    /// <summary>Pass 1: the streamed reply's deltas and its closing event.</summary>
    public async Task<(List<string> Deltas, string Event, JsonNode Last)> StreamAsync(string sessionId, string message)
    {
        using var response = await PostAsync("/api/chat/stream", new { sessionId, messages = new[] { new { role = "user", content = message } } });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"stream: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
        }

        var deltas = new List<string>();
        string? type = null;
        foreach (var line in (await response.Content.ReadAsStringAsync(Cancel)).Split('\n'))
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var data = JsonNode.Parse(line["data: ".Length..])!;
                if (type == "delta")
                {
                    deltas.Add(data["text"]!.GetValue<string>());
                }
                else
                {
                    return (deltas, type!, data);
                }
            }
        }

        throw new InvalidOperationException("The stream ended without a done or error event.");
    }

    public Task<HttpResponseMessage> SaveAsync(string sessionId, string messageId, string user, string assistant, int? expectedVersion) =>
        PostAsync("/api/chat/save", new
        {
            sessionId,
            messageId,
            userMessage = new { role = "user", content = user, timestamp = DateTimeOffset.UtcNow },
            assistantMessage = new { role = "assistant", content = assistant, timestamp = DateTimeOffset.UtcNow },
            expectedVersion,
        });

    /// <summary>One whole turn as the Web page makes it: stream the reply, then save both messages.</summary>
    public async Task<(string Reply, JsonNode Saved)> TurnAsync(string sessionId, string message, int version)
    {
        var (_, type, done) = await StreamAsync(sessionId, message);
        if (type != "done")
        {
            throw new InvalidOperationException($"stream ended with {type}: {done}");
        }

        var reply = done["content"]!.GetValue<string>();
        using var saved = await SaveAsync(sessionId, "msg_" + Guid.NewGuid().ToString("N"), message, reply, version);
        return (reply, JsonNode.Parse(await saved.Content.ReadAsStringAsync(Cancel))!);
    }

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

    /// <summary>Seed 002's envelope with the given status and code.</summary>
    public static async Task<JsonNode> AssertErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await ReadAsync(response);
        Assert.True((int)response.StatusCode == status, $"Expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.False(body["success"]!.GetValue<bool>());
        Assert.Equal(code, body["error"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["error"]!["message"]!.GetValue<string>()));
        Assert.NotNull(body["error"]!["retryable"]);
        Assert.NotNull(body["error"]!["fallbackOptions"]);
        return body;
    }
}
