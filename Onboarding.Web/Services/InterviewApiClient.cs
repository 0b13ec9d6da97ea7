using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;

namespace Onboarding.Web.Services;

/// <summary>
/// The Api's interview surface for the interview page, with the signed-in user's API key. Errors arrive in the
/// surface's envelope (or its own shapes for version conflicts and state refusals) and come back as a code and message.
/// </summary>
public sealed class InterviewApiClient(HttpClient httpClient, AuthenticationStateProvider authentication)
{
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Unavailable = "UNAVAILABLE";

    public Task<InterviewResult<InterviewStarted>> StartAsync(string? resumeSessionId, CancellationToken cancellationToken = default) =>
        SendAsync<InterviewStarted>(HttpMethod.Post, "/api/interview/start", new { resumeSessionId }, cancellationToken);

    /// <summary>The given interview, or the open (active or paused) one; SessionId is null when there is none.</summary>
    public Task<InterviewResult<InterviewStatus>> StatusAsync(string? sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<InterviewStatus>(HttpMethod.Get, "/api/interview/status" + (sessionId is null ? "" : $"?sessionId={Uri.EscapeDataString(sessionId)}"), null, cancellationToken);

    /// <summary>The open interview, or else the most recent completed one: the journey's latest; SessionId is null when there is none.</summary>
    public Task<InterviewResult<InterviewStatus>> LatestAsync(CancellationToken cancellationToken = default) =>
        SendAsync<InterviewStatus>(HttpMethod.Get, "/api/interview/status?includeCompleted=true", null, cancellationToken);

    public Task<InterviewResult<InterviewStarted>> RecoverAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<InterviewStarted>(HttpMethod.Post, "/api/interview/recover", new { sessionId }, cancellationToken);

    public Task<InterviewResult<JsonNode>> PauseAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<JsonNode>(HttpMethod.Post, "/api/interview/pause", new { sessionId }, cancellationToken);

    public Task<InterviewResult<JsonNode>> AbandonAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<JsonNode>(HttpMethod.Post, "/api/interview/abandon", new { sessionId }, cancellationToken);

    public Task<InterviewResult<JsonNode>> ReviseAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<JsonNode>(HttpMethod.Post, "/api/interview/revise", new { sessionId }, cancellationToken);

    public async Task<InterviewResult<InterviewBrief>> BriefAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var result = await SendAsync<JsonNode>(HttpMethod.Get, $"/api/interview/brief?sessionId={Uri.EscapeDataString(sessionId)}", null, cancellationToken);
        if (result.Value is not { } body)
        {
            return new(null, result.Code, result.Message);
        }

        var fields = body["brief"]!.AsObject().ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null);
        var sources = body["sources"]?.Deserialize<Dictionary<string, InterviewFieldSource>>(JsonSerializerOptions.Web) ?? [];
        return new(new InterviewBrief(fields, sources, body["analysis"]?.Deserialize<InterviewAnalysis>(JsonSerializerOptions.Web)));
    }

    /// <summary>The summary's Approve with the founder's corrections: writes the brief with them and queues its analysis.</summary>
    public Task<InterviewResult<JsonNode>> CompleteAsync(string sessionId, IReadOnlyDictionary<string, string> corrections, CancellationToken cancellationToken = default) =>
        SendAsync<JsonNode>(HttpMethod.Post, "/api/interview/complete", new { sessionId, finalConfirmation = true, entrepreneurBrief = corrections }, cancellationToken);

    /// <summary>Saves a turn under its message id; a retry of the same id is answered as a duplicate, never written twice.</summary>
    public Task<InterviewResult<InterviewSaved>> SaveAsync(
        string sessionId, string messageId, string founder, DateTimeOffset founderAt, string reply, DateTimeOffset replyAt, int expectedVersion,
        CancellationToken cancellationToken = default) =>
        SendAsync<InterviewSaved>(HttpMethod.Post, "/api/chat/save", new
        {
            sessionId,
            messageId,
            userMessage = new { role = "user", content = founder, timestamp = founderAt },
            assistantMessage = new { role = "assistant", content = reply, timestamp = replyAt },
            expectedVersion,
        }, cancellationToken);

    /// <summary>Streams the interviewer's reply, handing each piece to <paramref name="onText"/> as it arrives.</summary>
    public async Task<InterviewResult<InterviewReplyDone>> StreamAsync(
        string sessionId, string founder, Func<string, Task> onText, CancellationToken cancellationToken = default)
    {
        if (await KeyAsync() is not { } key)
        {
            return new(null, Unauthorized, "Sign in with an API key.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/stream")
        {
            Content = JsonContent.Create(new { sessionId, messages = new[] { new { role = "user", content = founder } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await ApiCall.GuardAsync<InterviewResult<InterviewReplyDone>>(async () =>
        {
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return Failure<InterviewReplyDone>(response.StatusCode, await ApiCall.ReadJsonAsync<JsonNode>(response, cancellationToken));
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
            {
                switch (item.EventType)
                {
                    case "delta":
                        await onText(JsonNode.Parse(item.Data)!["text"]!.GetValue<string>());
                        break;
                    case "done":
                        return new(JsonSerializer.Deserialize<InterviewReplyDone>(item.Data, JsonSerializerOptions.Web));
                    case "error":
                        return Failure<InterviewReplyDone>(System.Net.HttpStatusCode.ServiceUnavailable, JsonNode.Parse(item.Data));
                }
            }

            return new(null, Unavailable, "The reply was cut off. Send your answer again.");
        }, _ => CannotReach<InterviewReplyDone>(), cancellationToken);
    }

    private async Task<string?> KeyAsync() => (await authentication.GetAuthenticationStateAsync()).User.ApiKey();

    private async Task<InterviewResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        if (await KeyAsync() is not { } key)
        {
            return new(default, Unauthorized, "Sign in with an API key.");
        }

        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await ApiCall.GuardAsync(async () =>
        {
            using var response = await httpClient.SendAsync(request, cancellationToken);
            var answer = await ApiCall.ReadJsonAsync<JsonNode>(response, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new(answer.Deserialize<T>(JsonSerializerOptions.Web));
            }

            // A version conflict carries the versions the page needs to reload.
            return answer?["status"]?.GetValue<string>() == "version_conflict" && typeof(T) == typeof(InterviewSaved)
                ? new(answer.Deserialize<T>(JsonSerializerOptions.Web), "version_conflict", "This interview changed in another tab.")
                : Failure<T>(response.StatusCode, answer);
        }, _ => CannotReach<T>(), cancellationToken);
    }

    private static InterviewResult<T> CannotReach<T>() => new(default, Unavailable, "The onboarding service cannot be reached right now.");

    private static InterviewResult<T> Failure<T>(System.Net.HttpStatusCode status, JsonNode? answer) =>
        status == System.Net.HttpStatusCode.Unauthorized
            ? new(default, Unauthorized, "The API key was revoked or rotated. Sign in again.")
            : answer?["error"] is JsonObject error
                ? new(default, error["code"]?.GetValue<string>() ?? Unavailable, error["message"]?.GetValue<string>())
                : new(default, answer?["status"]?.GetValue<string>() ?? Unavailable, answer?["error"]?.GetValue<string>() ?? $"The onboarding service answered {(int)status}.");
}
