using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Onboarding.Testing;

/// <summary>What the fake Resend received in one request.</summary>
public sealed record ResendRequest(string? Authorization, string? IdempotencyKey, JsonNode Body);

/// <summary>What the fake Resend answers: a status, a JSON body and optionally a Retry-After in seconds.</summary>
public sealed record ResendReply(int Status, object Body, int? RetryAfterSeconds = null)
{
    public static ResendReply Accepted(string id) => new(200, new { id });
}

/// <summary>
/// Plays Resend's <c>POST /emails</c> on a free loopback port, records every request and answers with
/// the reply function given to <see cref="StartAsync"/>, given the request and how many times its idempotency key has been seen (1 for the first).
/// </summary>
public sealed class FakeResend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _seen = new();

    private FakeResend(WebApplication app) => _app = app;

    public ConcurrentQueue<ResendRequest> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public IEnumerable<ResendRequest> For(string idempotencyKey) => Requests.Where(r => r.IdempotencyKey == idempotencyKey);

    public static async Task<FakeResend> StartAsync(Func<ResendRequest, int, ResendReply>? reply = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeResend(app);
        reply ??= (_, _) => ResendReply.Accepted("re_" + Guid.NewGuid().ToString("N"));
        app.MapPost("/emails", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) ?? new JsonObject();
            var request = new ResendRequest(
                context.Request.Headers.Authorization.ToString(),
                context.Request.Headers["Idempotency-Key"].ToString(),
                body);
            fake.Requests.Enqueue(request);
            var answer = reply(request, fake._seen.AddOrUpdate(request.IdempotencyKey ?? "", 1, (_, n) => n + 1));
            if (answer.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.Response.StatusCode = answer.Status;
            await context.Response.WriteAsJsonAsync(answer.Body, context.RequestAborted);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        fake.BaseUrl = new Uri(app.Urls.First());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
