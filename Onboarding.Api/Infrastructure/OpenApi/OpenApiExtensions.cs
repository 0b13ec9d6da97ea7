using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Onboarding.Api.Infrastructure.OpenApi;

/// <summary>Example request and response bodies for an endpoint, shown in the API reference.</summary>
public sealed record OpenApiExamples(JsonNode? Request, JsonNode? Response);

/// <summary>The credential an endpoint takes, by the name of its security scheme in the document.</summary>
public sealed record SecuredBy(string Scheme)
{
    public static readonly SecuredBy WriteToken = new("write_token");
    public static readonly SecuredBy ViewToken = new("view_token");
    public static readonly SecuredBy ClaimLink = new("claim_link");
}

public static class OpenApiExtensions
{
    private static readonly Dictionary<string, string> Tags = new()
    {
        ["Agent sessions"] = "Public sessions a coding agent opens and streams events into; a developer watches them at view_url.",
        ["Claims"] = "Turning a session into an organisation by magic link: domain lookup, the claim, its preview and confirmation.",
        ["Account"] = "Who an API key acts for, and its rotation.",
        ["Workspace"] = "The workspace's website scrape, its status and runs, and the company, market and customer context it yields.",
        ["Interview"] = "The guided founder interview: its lifecycle, the chat and its saves, and the brief.",
    };

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
    public static RouteHandlerBuilder RequiresWriteToken(this RouteHandlerBuilder builder) => builder.WithMetadata(SecuredBy.WriteToken);

    /// <summary>Documents that the endpoint takes a view token (from <c>view_url</c>) as <c>?t=</c>.</summary>
    public static RouteHandlerBuilder RequiresViewToken(this RouteHandlerBuilder builder) => builder.WithMetadata(SecuredBy.ViewToken);

    /// <summary>Documents that the endpoint takes the emailed claim link's token as <c>?t=</c>.</summary>
    public static RouteHandlerBuilder RequiresClaimLink(this RouteHandlerBuilder builder) => builder.WithMetadata(SecuredBy.ClaimLink);

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
            document.Components.SecuritySchemes["view_token"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Query,
                Name = "t",
                Description = "The token in view_url, or the fresh one each read returns.",
            };
            document.Components.SecuritySchemes["claim_link"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Query,
                Name = "t",
                Description = "The token in the emailed claim link (or magic_link_preview).",
            };

            // The address the AppHost runs the Api at; a deployment serves the same paths at its own.
            document.Servers = [new OpenApiServer { Url = "http://localhost:5080", Description = "The Api as `dotnet run --project Onboarding.AppHost` starts it" }];
            document.Tags = new HashSet<OpenApiTag>(
                from tag in Tags select new OpenApiTag { Name = tag.Key, Description = tag.Value });
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
            // Every operation says what it takes; an empty list says "nothing", which clients and linters read as public.
            var scheme = metadata.OfType<IAuthorizeData>().Any() ? "api_key" : metadata.OfType<SecuredBy>().FirstOrDefault()?.Scheme;
            operation.Security = scheme is null ? [] : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];

            // GET and HEAD of one endpoint share its name; an operation id must be unique.
            if (context.Description.HttpMethod == HttpMethods.Head && operation.OperationId is { } name)
            {
                operation.OperationId = "Head" + name;
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
