using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Interviews;

namespace Onboarding.Api.Mcp;

/// <summary>What an HTTP twin answered: its body on success, or the tool error to return.</summary>
internal readonly record struct TwinAnswer(JsonObject? Body, CallToolResult? Refusal);

/// <summary>
/// The one place where what the Api's surfaces answer becomes an MCP tool result. A success is the twin's body, as
/// structured content and as text for clients that read only text. A refusal is a tool error (<c>isError</c>) whose
/// content is the surface's own error body, with its <c>code</c> and message, exactly as the HTTP twin answers it; a
/// <c>Retry-After</c> the twin set is added in words.
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
        var body = value is null ? new JsonObject() : JsonSerializer.SerializeToNode(value, value.GetType(), Json)!.AsObject();
        twin.Response.StatusCode = status;
        return status is >= 200 and < 300 ? new TwinAnswer(body, null) : new TwinAnswer(null, Refused(body, twin.Response.Headers.RetryAfter.ToString()));
    }

    /// <summary>The twin's result as the tool's.</summary>
    public static CallToolResult From(IResult result, HttpContext twin)
    {
        var answer = Read(result, twin);
        return answer.Refusal ?? Success(answer.Body!);
    }

    /// <summary>A shared refusal (arguments, the API key, a rate limit, a fault) in the twin's surface's envelope.</summary>
    public static CallToolResult From(JsonHttpResult<ApiError> error, HttpContext twin) => From(error.ForSurface(twin), twin);

    /// <summary>An interview refusal that came before the twin was called (the reply of a turn).</summary>
    public static CallToolResult From(InterviewFailure failure, HttpContext twin) =>
        From(failure.Refusal is { } own ? TypedResults.Json(own, statusCode: failure.Status) : failure.Envelope(), twin);

    public static CallToolResult Success(JsonObject body) => new()
    {
        Content = [new TextContentBlock { Text = body.ToJsonString(Json) }],
        StructuredContent = JsonSerializer.SerializeToElement(body, Json),
    };

    private static CallToolResult Refused(JsonObject body, string retryAfter)
    {
        var content = new List<ContentBlock> { new TextContentBlock { Text = body.ToJsonString(Json) } };
        if (retryAfter.Length > 0)
        {
            content.Add(new TextContentBlock { Text = $"Retry after {retryAfter} s." });
        }

        return new CallToolResult { IsError = true, Content = content, StructuredContent = JsonSerializer.SerializeToElement(body, Json) };
    }
}
