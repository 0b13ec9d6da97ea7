using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Onboarding.Api.Apis;

namespace Onboarding.IntegrationTests.Mcp;

/// <summary>The official MCP client on the Api's /mcp endpoint (Streamable HTTP), optionally with an API key on the connection.</summary>
public sealed class McpSession(McpClient client) : IAsyncDisposable
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public McpClient Client => client;

    public static Task<McpSession> ConnectAsync(WebApplicationFactory<SessionServices> api, string? apiKey = null) => ConnectAsync(api.CreateClient(), apiKey);

    public static async Task<McpSession> ConnectAsync(HttpClient http, string? apiKey = null)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(http.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = apiKey is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}" },
        };
        var transport = new HttpClientTransport(options, http, ownsHttpClient: true);
        return new McpSession(await McpClient.CreateAsync(transport, cancellationToken: Cancel));
    }

    public Task<CallToolResult> CallAsync(string tool, object? arguments = null, IProgress<ProgressNotificationValue>? progress = null) =>
        client.CallToolAsync(tool, Arguments(arguments), progress, cancellationToken: Cancel).AsTask();

    /// <summary>Calls the tool and returns its structured content, failing with its error when it refused.</summary>
    public async Task<JsonElement> CallOkAsync(string tool, object? arguments = null, IProgress<ProgressNotificationValue>? progress = null)
    {
        var result = await CallAsync(tool, arguments, progress);
        Assert.True(result.IsError != true, $"{tool} refused: {Text(result)}");
        return result.StructuredContent!.Value;
    }

    /// <summary>
    /// The code of a tool error: <c>code</c> in the shared envelope, <c>error.code</c> in the interview's, <c>status</c> in
    /// the interview contract's own refusals (<c>version_conflict</c>).
    /// </summary>
    public static string Code(CallToolResult result)
    {
        Assert.True(result.IsError, $"Expected a tool error, got {Text(result)}");
        var body = result.StructuredContent!.Value;
        return body.TryGetProperty("code", out var code) ? code.GetString()!
            : body.GetProperty("error") is { ValueKind: JsonValueKind.Object } error ? error.GetProperty("code").GetString()!
            : body.GetProperty("status").GetString()!;
    }

    public static string Text(CallToolResult result) => string.Join(" ", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    public async ValueTask DisposeAsync() => await client.DisposeAsync();

    private static Dictionary<string, object?> Arguments(object? arguments) =>
        arguments is null ? [] : JsonSerializer.SerializeToElement(arguments).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
}
