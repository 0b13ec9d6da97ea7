using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Onboarding.Api.Authentication;
using Onboarding.Api.Workspaces;

namespace Onboarding.Api.Mcp;

/// <summary>An argument of the wrong JSON type: answered as the twin answers a malformed request (invalid_request).</summary>
internal sealed class ToolArgumentException(string message) : Exception(message);

/// <summary>
/// One call of a tool: its arguments, who makes it, and its <see cref="Twin"/>, the HTTP request its endpoint would
/// have received (path, method, caller, client address, headers and JSON body), which the tool hands to that endpoint's
/// handler. The twin is built in memory; it never leaves the process.
/// </summary>
internal sealed class ToolCall
{
    private readonly OnboardingTool _tool;
    private readonly McpServer _server;
    private readonly ProgressToken? _progress;

    public ToolCall(OnboardingTool tool, HttpContext connection, IServiceProvider services, McpServer server, ProgressToken? progress, CancellationToken cancellation)
    {
        _tool = tool;
        _server = server;
        _progress = progress;
        User = connection.User;
        Services = services;
        Cancellation = cancellation;
        Twin = new DefaultHttpContext { RequestServices = services, User = connection.User };
        Twin.Connection.RemoteIpAddress = connection.Connection.RemoteIpAddress;
        Twin.Request.Method = tool.Definition.Method;
        Twin.Request.Path = tool.Definition.Path;
    }

    public JsonElement Arguments { get; private set; }

    public ClaimsPrincipal User { get; }

    public IServiceProvider Services { get; }

    public CancellationToken Cancellation { get; }

    public HttpContext Twin { get; }

    public bool WantsProgress => _progress is not null;

    /// <summary>The caller of the workspace and interview surfaces, from the API key on the connection.</summary>
    public Workspace Workspace => new(User.Get(ApiKeyClaims.OrgId), User.Get(ApiKeyClaims.UserId), User.Get(ApiKeyClaims.Email));

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A class of an endpoint's <c>[AsParameters]</c> dependencies, built from the call's services.</summary>
    public T Parameters<T>() => ActivatorUtilities.CreateInstance<T>(Services);

    /// <summary>A string argument, or null when it is left out (or null).</summary>
    public string? Text(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw new ToolArgumentException($"{name} must be a string."),
    };

    /// <summary>A query-like argument as the twin reads it from its address: a number's or a string's text.</summary>
    public string? Scalar(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw new ToolArgumentException($"{name} must be a number."),
    };

    /// <summary>
    /// The twin's request with its body: the arguments without the tool's extras, or <paramref name="body"/>; and the
    /// extras that are headers (the write token as <c>Authorization: Bearer</c>, the idempotency key).
    /// </summary>
    public HttpRequest Request(object? body = null)
    {
        var json = body is null ? BodyFromArguments() : JsonSerializer.Serialize(body, ToolResults.Json);
        var bytes = Encoding.UTF8.GetBytes(json);
        var request = Twin.Request;
        request.ContentType = "application/json";
        request.ContentLength = bytes.Length;
        request.Body = new MemoryStream(bytes);
        foreach (var extra in _tool.Definition.Extras.Where(e => e.Header is not null))
        {
            if (Text(extra.Name) is { } value)
            {
                request.Headers[extra.Header!] = extra.Header == "Authorization" ? "Bearer " + value : value;
            }
        }

        return request;
    }

    /// <summary>Tells the client how far the work is, when it asked to be told (it sent a progress token).</summary>
    public async Task ReportAsync(double progress, double total, string message)
    {
        if (_progress is { } token)
        {
            await _server.NotifyProgressAsync(
                token, new ProgressNotificationValue { Progress = (float)progress, Total = (float)total, Message = message }, cancellationToken: Cancellation);
        }
    }

    /// <summary>Takes the call's arguments, each value as the client wrote it.</summary>
    public void Load(IDictionary<string, JsonElement>? arguments)
    {
        using var document = JsonDocument.Parse(Object((arguments ?? new Dictionary<string, JsonElement>()).Select(a => (a.Key, a.Value))));
        Arguments = document.RootElement.Clone();
    }

    private JsonElement? Get(string name) =>
        Arguments.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private string BodyFromArguments() =>
        Encoding.UTF8.GetString(Object(Arguments.EnumerateObject().Select(p => (p.Name, p.Value)), except: _tool.Definition.Extras.Select(e => e.Name)));

    /// <summary>
    /// A JSON object of these properties, each value exactly as the client wrote it (its escapes kept), so a payload the
    /// twin stores and hashes is byte for byte what was sent. A name that is not text cannot be written: refused.
    /// </summary>
    public static byte[] Object(IEnumerable<(string Name, JsonElement Value)> properties, IEnumerable<string>? except = null)
    {
        var skip = except?.ToHashSet(StringComparer.Ordinal) ?? [];
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        try
        {
            using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            writer.WriteStartObject();
            foreach (var (name, value) in properties.Where(p => !skip.Contains(p.Name)))
            {
                writer.WritePropertyName(name);
                writer.WriteRawValue(value.GetRawText(), skipInputValidation: true);
            }

            writer.WriteEndObject();
        }
        catch (ArgumentException)
        {
            throw new ToolArgumentException("A property name of the arguments contains an unpaired surrogate, which is not Unicode text.");
        }

        return output.WrittenSpan.ToArray();
    }
}
