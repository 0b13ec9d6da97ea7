using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;

namespace Onboarding.Api.Infrastructure;

/// <summary>
/// Reads a bounded JSON body ourselves rather than through model binding, so that every failure gets the
/// surface's own error envelope, the raw bytes are available for the idempotency hash, and the size cap
/// holds for chunked bodies that announce no length.
/// </summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 64,
        // Two values for one key would let the validator and the viewer read different things.
        AllowDuplicateProperties = false,
    };

    /// <summary>
    /// The parsed body (null when empty and <paramref name="allowEmpty"/>), its bytes, or the error to return. Every string
    /// and property name must be text by <see cref="JsonText"/>'s rule, except under the <paramref name="opaque"/> path.
    /// </summary>
    public static async Task<(JsonDocument? Document, byte[] Bytes, JsonHttpResult<ApiError>? Error)> ReadAsync(
        HttpRequest request, long maxBytes, bool allowEmpty, CancellationToken cancellationToken, params string[] opaque)
    {
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, [], Errors.RequestTooLarge(maxBytes));
        }

        byte[] bytes;
        try
        {
            bytes = await ReadBoundedAsync(request.Body, maxBytes, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, [], Errors.RequestTooLarge(maxBytes));
        }
        catch (InvalidDataException)
        {
            return (null, [], Errors.RequestTooLarge(maxBytes));
        }

        if (bytes.Length == 0)
        {
            return allowEmpty ? (null, bytes, null) : (null, bytes, Errors.InvalidRequest("The request body is empty; a JSON object is required."));
        }

        if (!IsJson(request.ContentType))
        {
            return (null, bytes, Errors.UnsupportedMediaType());
        }

        // JSON is UTF-8 (RFC 8259). The parser checks only the strings it is asked to read, so a bad byte in a name that
        // is never read would otherwise pass, and reach the database or the hash chain as something else.
        if (!Utf8.IsValid(bytes))
        {
            return (null, bytes, Errors.InvalidRequest("The request body is not valid UTF-8."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException e)
        {
            return (null, bytes, Errors.InvalidRequest($"The request body is not valid JSON: {e.Message}"));
        }
        catch (InvalidOperationException)
        {
            // The duplicate check decodes every property name and cannot decode one that is not text; read again without
            // it to say which one.
            using var lenient = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = DocumentOptions.MaxDepth });
            return (null, bytes, Errors.InvalidRequest(JsonText.FirstProblem(lenient.RootElement, opaque) ?? "The request body is not valid JSON."));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, bytes, Errors.InvalidRequest("The request body must be a JSON object."));
        }

        if (JsonText.FirstProblem(document.RootElement, opaque) is { } problem)
        {
            document.Dispose();
            return (null, bytes, Errors.InvalidRequest(problem));
        }

        return (document, bytes, null);
    }

    /// <summary>
    /// The body read as <typeparamref name="T"/> (null when empty and <paramref name="allowEmpty"/>), its bytes for the
    /// idempotency hash, or the error to return, naming where the body did not fit the schema.
    /// </summary>
    public static async Task<(T? Body, byte[] Bytes, JsonHttpResult<ApiError>? Error)> ReadAsync<T>(
        HttpRequest request, long maxBytes, bool allowEmpty, JsonSerializerOptions? options, CancellationToken cancellationToken)
        where T : class
    {
        var (document, bytes, error) = await ReadAsync(request, maxBytes, allowEmpty, cancellationToken);
        using var _ = document;
        if (error is not null || document is null)
        {
            return (null, bytes, error);
        }

        try
        {
            return (document.Deserialize<T>(options), bytes, null);
        }
        catch (JsonException e)
        {
            return (null, bytes, Errors.InvalidRequest($"The request body does not match the schema at {e.Path}: {Reason(e)}"));
        }
    }

    // The serializer's own message names .NET types; say what was wrong in the request's terms.
    private static string Reason(JsonException e) =>
        e.Message.Contains("missing required properties", StringComparison.Ordinal) ? "a required field is missing." : "a field has the wrong type.";

    private static bool IsJson(string? contentType) =>
        contentType is null
        || (MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && parsed.MediaType is { } mediaType
            && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    private static async Task<byte[]> ReadBoundedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                throw new InvalidDataException("body over limit");
            }
        }
    }
}
