using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Onboarding.Api.Infrastructure.OpenApi;

/// <summary>Example request and response bodies for an endpoint, shown in the API reference.</summary>
public sealed record OpenApiExamples(JsonNode? Request, JsonNode? Response);

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

    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder builder, JsonNode? request, JsonNode? response) =>
        builder.WithMetadata(new OpenApiExamples(request, response));

    /// <summary>The document's title and description, the bearer scheme, and each endpoint's examples.</summary>
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
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var examples = context.Description.ActionDescriptor.EndpointMetadata.OfType<OpenApiExamples>().FirstOrDefault();
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

            return Task.CompletedTask;
        });

        return options;
    }
}
