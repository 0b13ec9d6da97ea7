using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Onboarding.Api.Infrastructure.OpenApi;

/// <summary>Example request and response bodies for an endpoint, shown in the API reference.</summary>
public sealed record OpenApiExamples(JsonNode? Request, JsonNode? Response);

/// <summary>Marks an endpoint that takes the session's write token as its bearer.</summary>
public sealed class WriteTokenRequired
{
    public static readonly WriteTokenRequired Instance = new();
}

public static class OpenApiExtensions
{
    /// <summary>Documents the error envelope for each status code.</summary>
    public static RouteHandlerBuilder ProducesError(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.Produces<ApiError>(statusCode);
        }

        return builder;
    }

    /// <summary>Documents that the endpoint takes <c>Authorization: Bearer &lt;write_token&gt;</c>.</summary>
    public static RouteHandlerBuilder RequiresWriteToken(this RouteHandlerBuilder builder) => builder.WithMetadata(WriteTokenRequired.Instance);

    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder builder, JsonNode? request, JsonNode? response) =>
        builder.WithMetadata(new OpenApiExamples(request, response));

    /// <summary>The document's title and description, the bearer schemes each endpoint takes, its examples, and the error codes.</summary>
    public static OpenApiOptions AddOnboardingDocument(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Onboarding API";
            document.Info.Description =
                "Takes a new customer workspace from first contact to ready. The public /onboarding/* surface lets a coding agent " +
                "open a session, stream typed events into it and hand the developer a signed, live view_url. Errors on this surface " +
                "are { \"error\": \"...\", \"code\": \"...\" }.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["write_token"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The write_token returned when the session was opened.",
            };
            document.Components.SecuritySchemes["api_key"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (onb_…), shown once when a claim is confirmed or a key rotated.",
            };
            return Task.CompletedTask;
        });

        options.AddSchemaTransformer((schema, context, _) =>
        {
            var shape = context.ApplicationServices.GetServices<ErrorShape>().FirstOrDefault(shape => shape.Body == context.JsonTypeInfo.Type);
            if (shape is not null && schema.Properties?[shape.Property] is OpenApiSchema property)
            {
                property.Enum = [.. shape.Codes.Select(code => (JsonNode)JsonValue.Create(code))];
            }

            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            await DocumentEveryShapeAsync(operation, context, cancellationToken);
            var scheme = metadata.OfType<IAuthorizeData>().Any() ? "api_key" : metadata.OfType<WriteTokenRequired>().Any() ? "write_token" : null;
            if (scheme is not null)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
            }

            var examples = metadata.OfType<OpenApiExamples>().FirstOrDefault();
            if (examples?.Request is { } request && operation.RequestBody?.Content?.TryGetValue("application/json", out var requestMedia) == true)
            {
                requestMedia.Example = request.DeepClone();
            }

            if (examples?.Response is { } response && operation.Responses is not null)
            {
                var success = operation.Responses.FirstOrDefault(r => r.Key.StartsWith('2')).Value;
                if (success?.Content?.TryGetValue("application/json", out var responseMedia) == true)
                {
                    responseMedia.Example = response.DeepClone();
                }
            }
        });

        return options;
    }
    /// <summary>
    /// A status answered in more than one shape (a save's 409: the envelope, or the interview contract's version_conflict) is documented
    /// as one of them; ASP.NET Core's document would keep only the last one declared.
    /// </summary>
    private static async Task DocumentEveryShapeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var shapes = context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>()
            .Where(m => m.Type is not null && m.Type != typeof(void))
            .GroupBy(m => m.StatusCode, m => m.Type!)
            .Where(status => status.Distinct().Count() > 1);
        foreach (var status in shapes)
        {
            if (operation.Responses?.TryGetValue(status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true
                && response.Content?.TryGetValue("application/json", out var media) == true)
            {
                var oneOf = new List<IOpenApiSchema>();
                foreach (var type in status.Distinct())
                {
                    oneOf.Add(await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
                }

                media.Schema = new OpenApiSchema { OneOf = oneOf };
            }
        }
    }
}
