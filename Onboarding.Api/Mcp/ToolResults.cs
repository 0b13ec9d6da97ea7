using System.Buffers;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using Onboarding.Api.Infrastructure;

namespace Onboarding.Api.Mcp;

/// <summary>What an HTTP twin answered: its body on success, or the tool error to return.</summary>
internal readonly record struct TwinAnswer(JsonElement? Body, CallToolResult? Refusal);

/// <summary>
/// The one place where what the Api's surfaces answer becomes an MCP tool result. A success is the twin's body: as text
/// exactly as the HTTP body would be (a session's payloads byte for byte, so its chain verifies from it), and as
/// structured content. A refusal is a tool error (<c>isError</c>) whose content is the surface's own error body, with its
/// <c>code</c> and message, exactly as the HTTP twin answers it; a <c>Retry-After</c> the twin set is added in words.
/// </summary>
internal static class ToolResults
{
    /// <summary>The HTTP surfaces' JSON: ASP.NET Core's web defaults, the contracts' own names where they give them.</summary>
    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>The twin's result, read: its status and value, and the headers it set on <paramref name="twin"/>'s response.</summary>
    public static TwinAnswer Read(IResult result, HttpContext twin)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        var value = (result as IValueHttpResult)?.Value;
        var body = Parse(value is null ? "{}"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Json));
        twin.Response.StatusCode = status;
        return status is >= 200 and < 300 ? new TwinAnswer(body, null) : new TwinAnswer(null, Refused(body, twin.Response.Headers.RetryAfter.ToString()));
    }

    /// <summary>The twin's result as the tool's.</summary>
    public static CallToolResult From(IResult result, HttpContext twin)
    {
        var answer = Read(result, twin);
        return answer.Refusal ?? Success(answer.Body!.Value);
    }

    /// <summary>A shared refusal (arguments, the API key, a rate limit, a fault) in the twin's surface's envelope.</summary>
    public static CallToolResult From(JsonHttpResult<ApiError> error, HttpContext twin) => From(error.ForSurface(twin), twin);

    /// <summary>A service's refusal that came before the twin was called (the reply of a turn), already in its surface's shape.</summary>
    public static CallToolResult From(Failure failure, HttpContext twin) => From(TypedResults.Json(failure.Body, statusCode: failure.Status), twin);

    /// <summary>The twin's body as the tool's result, with what the tool <paramref name="adds"/> to it (the twin's own bytes kept).</summary>
    public static CallToolResult Success(JsonElement body, params (string Name, object? Value)[] adds)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            foreach (var property in body.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                writer.WriteRawValue(property.Value.GetRawText(), skipInputValidation: true);
            }

            foreach (var (name, value) in adds)
            {
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, value, Json);
            }

            writer.WriteEndObject();
        }

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = Encoding.UTF8.GetString(output.WrittenSpan) }],
            StructuredContent = Parse(output.WrittenSpan.ToArray()),
        };
    }

    private static CallToolResult Refused(JsonElement body, string retryAfter)
    {
        var content = new List<ContentBlock> { new TextContentBlock { Text = body.GetRawText() } };
        if (retryAfter.Length > 0)
        {
            content.Add(new TextContentBlock { Text = $"Retry after {retryAfter} s." });
        }

        return new CallToolResult { IsError = true, Content = content, StructuredContent = body };
    }

    private static JsonElement Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
