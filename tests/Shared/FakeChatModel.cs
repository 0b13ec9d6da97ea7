using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Onboarding.Testing;

/// <summary>One message of a chat completion request: its role and its text (parts joined).</summary>
public sealed record ChatModelMessage(string Role, string Text);

/// <summary>What the fake chat model received in one request.</summary>
public sealed record ChatModelRequest(string Path, string? Authorization, JsonNode Body)
{
    public string? Model => Body["model"]?.GetValue<string>();

    /// <summary>The name of the JSON schema asked for (<c>response_format.json_schema.name</c>), if any.</summary>
    public string? SchemaName => Body["response_format"]?["json_schema"]?["name"]?.GetValue<string>();

    public IReadOnlyList<ChatModelMessage> Messages =>
        Body["messages"]?.AsArray().Select(m => new ChatModelMessage(m!["role"]!.GetValue<string>(), TextOf(m["content"]))).ToList() ?? [];

    /// <summary>Everything the request says with system (or developer) authority.</summary>
    public string SystemText => string.Join("\n", Messages.Where(m => m.Role is "system" or "developer").Select(m => m.Text));

    public string UserText => string.Join("\n", Messages.Where(m => m.Role == "user").Select(m => m.Text));

    /// <summary>True when the request is for the generation whose task mentions <paramref name="word"/> ("company", "market", "ideal customer").</summary>
    public bool Asks(string word) => SystemText.Contains("Task: describe the " + word, StringComparison.OrdinalIgnoreCase);

    // Content is a string, or an array of parts ({type: "text", text}).
    private static string TextOf(JsonNode? content) => content switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Join("", parts.Select(p => p?["text"]?.GetValue<string>() ?? "")),
        _ => "",
    };
}

/// <summary>What the fake chat model answers: a status and the assistant message's content (or an error body).</summary>
public sealed record ChatModelReply(int Status, string? Content, object? Error = null)
{
    /// <summary>A completion whose content is <paramref name="value"/> as JSON.</summary>
    public static ChatModelReply Json(object value) => new(200, JsonSerializer.Serialize(value));

    /// <summary>A completion whose content is exactly <paramref name="content"/>.</summary>
    public static ChatModelReply Text(string content) => new(200, content);

    public static ChatModelReply Fail(int status) => new(status, null, new { error = new { message = "fake failure", type = "server_error" } });
}

/// <summary>
/// Plays an OpenAI-compatible chat completions API (<c>POST …/chat/completions</c>) on a free loopback port, records
/// every request and answers with the reply function it was started with. Started with <c>holdUntilConcurrent</c>,
/// each request waits (up to a deadline) until that many are in flight, so a test can see whether calls overlap
/// without timing anything.
/// </summary>
public sealed class FakeChatModel : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _holdUntilConcurrent;
    private readonly TaskCompletionSource _enoughInFlight = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _maxInFlight;

    private FakeChatModel(WebApplication app, int holdUntilConcurrent)
    {
        _app = app;
        _holdUntilConcurrent = holdUntilConcurrent;
    }

    public ConcurrentQueue<ChatModelRequest> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The most requests that were in flight at once.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxInFlight);

    public static Task<FakeChatModel> StartAsync(Func<ChatModelRequest, ChatModelReply> reply, int holdUntilConcurrent = 1) =>
        StartAsync((request, _) => Task.FromResult(reply(request)), holdUntilConcurrent);

    /// <summary>Starts the fake with a reply that may wait; its token is cancelled when the client gives up on the request.</summary>
    public static async Task<FakeChatModel> StartAsync(Func<ChatModelRequest, CancellationToken, Task<ChatModelReply>> reply, int holdUntilConcurrent = 1)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeChatModel(app, holdUntilConcurrent);
        app.MapPost("/{**path}", async (HttpContext context, string path) =>
        {
            if (!path.EndsWith("chat/completions", StringComparison.Ordinal))
            {
                return Results.NotFound();
            }

            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) ?? new JsonObject();
            var request = new ChatModelRequest(context.Request.Path, context.Request.Headers.Authorization.ToString(), body);
            fake.Requests.Enqueue(request);
            await fake.HoldAsync(context.RequestAborted);
            try
            {
                var answer = await reply(request, context.RequestAborted);
                if (answer.Status != 200)
                {
                    return Results.Json(answer.Error ?? new { }, statusCode: answer.Status);
                }

                if (body["stream"]?.GetValue<bool>() == true)
                {
                    await StreamAsync(context, request, answer.Content ?? "");
                    return Results.Empty;
                }

                return Results.Json(new
                {
                    id = "chatcmpl-fake",
                    @object = "chat.completion",
                    created = 1_700_000_000,
                    model = request.Model,
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = answer.Content }, finish_reason = "stop" } },
                    usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
                });
            }
            finally
            {
                Interlocked.Decrement(ref fake._inFlight);
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        fake.BaseUrl = new Uri(app.Urls.First());
        return fake;
    }

    /// <summary>Answers a streaming request as OpenAI does: one chunk per word as server-sent events, then [DONE].</summary>
    private static async Task StreamAsync(HttpContext context, ChatModelRequest request, string content)
    {
        context.Response.ContentType = "text/event-stream";
        foreach (var word in content.Split(' '))
        {
            var chunk = new
            {
                id = "chatcmpl-fake",
                @object = "chat.completion.chunk",
                created = 1_700_000_000,
                model = request.Model,
                choices = new[] { new { index = 0, delta = new { role = "assistant", content = word == content.Split(' ')[0] ? word : " " + word }, finish_reason = (string?)null } },
            };
            await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        int max;
        while ((max = Volatile.Read(ref _maxInFlight)) < inFlight && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
        {
        }

        if (inFlight >= _holdUntilConcurrent)
        {
            _enoughInFlight.TrySetResult();
        }

        // The deadline only keeps a sequential caller from hanging the test; the assertion is on MaxConcurrent.
        await _enoughInFlight.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
