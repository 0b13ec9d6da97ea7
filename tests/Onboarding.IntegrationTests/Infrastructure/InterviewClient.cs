using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Onboarding.Testing;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>One turn of a founder's interview: the topic asked, what they answered, the reply, the save, and the topic asked next.</summary>
public sealed record PlayedTurn(string Topic, string MessageId, string Answer, string Reply, JsonNode Saved, string? Next)
{
    public IReadOnlyList<string> Collected => [.. Saved["collectedTopics"]!.AsArray().Select(t => t!.GetValue<string>())];

    public int Version => Saved["version"]!.GetValue<int>();
}

/// <summary>The founder interview surface as a client uses it, with one workspace's API key.</summary>
public sealed class InterviewClient(HttpClient http, string key)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public string Key => key;

    /// <summary>A workspace claimed through the public surface, and a client with its key.</summary>
    public static async Task<InterviewClient> ClaimAsync(HttpClient http)
    {
        var (key, _, _) = await new SessionsClient(http).ClaimWorkspaceAsync();
        return new InterviewClient(http, key);
    }

    /// <summary>A new interview's id.</summary>
    public async Task<string> StartNewAsync() => (await StartAsync(new { forceNew = true }))["sessionId"]!.GetValue<string>();

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

    /// <summary>
    /// Plays <paramref name="founder"/> answering the question actually asked (the stream's <c>nextTopic</c>), going on
    /// after <paramref name="earlier"/> turns, until the interview completes or <paramref name="stopBefore"/> a topic.
    /// </summary>
    public async Task<List<PlayedTurn>> PlayAsync(
        string sessionId, Founder founder, Func<string, bool>? stopBefore = null, IReadOnlyList<PlayedTurn>? earlier = null)
    {
        var turns = new List<PlayedTurn>(earlier ?? []);
        var asked = turns.Count == 0 ? Founder.Topics[0].Topic : turns[^1].Next;
        while (asked is not null && stopBefore?.Invoke(asked) != true)
        {
            var answer = Founder.Text(founder.Answer(asked, turns.Count(t => t.Topic == asked)));
            turns.Add(await AnswerAsync(sessionId, asked, answer, turns.Count == 0 ? 0 : turns[^1].Version));
            asked = turns[^1].Next;
        }

        return turns[(earlier?.Count ?? 0)..];
    }

    /// <summary>One turn answering the question about <paramref name="topic"/>: the reply streamed, then both saved.</summary>
    public async Task<PlayedTurn> AnswerAsync(string sessionId, string topic, string answer, int version)
    {
        var (_, type, done) = await StreamAsync(sessionId, answer);
        Assert.True(type == "done", done.ToJsonString());
        var reply = done["content"]!.GetValue<string>();
        var messageId = "msg_" + Guid.NewGuid().ToString("N");
        using var response = await SaveAsync(sessionId, messageId, answer, reply, version);
        var saved = await ReadAsync(response);
        Assert.True(saved["status"]?.GetValue<string>() == "committed", saved.ToJsonString());
        return new PlayedTurn(topic, messageId, answer, reply, saved, saved["completed"]!.GetValue<bool>() ? null : done["nextTopic"]!.GetValue<string>());
    }

    /// <summary>brief's answer: the brief, where each field came from, and the analysis once there is one.</summary>
    public async Task<JsonNode> BriefAsync(string sessionId)
    {
        using var response = await GetAsync($"/api/interview/brief?sessionId={sessionId}");
        return await ReadAsync(response);
    }

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

    /// <summary>The interview contract's envelope with the given status and code.</summary>
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
