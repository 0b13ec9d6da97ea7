using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using OpenTelemetry.Trace;

namespace Onboarding.Api.Mcp;

/// <summary>
/// The Api as a Model Context Protocol server (docs/api/mcp.md): Streamable HTTP at <c>/mcp</c>, each tool calling the
/// endpoint it stands for in process, so its contract, validation, limits and errors are that endpoint's.
/// </summary>
public static class McpExtensions
{
    public const string Path = "/mcp";

    /// <summary>The SDK's own spans: one per MCP request, a tool call's named after its tool.</summary>
    private const string SdkTelemetrySource = "Experimental.ModelContextProtocol";

    private const string Instructions =
        "Onboarding for a new customer workspace. Without an API key: open_session, hand view_url to the developer, stream your progress with "
        + "append_events, then lookup_domain and request_claim to turn the session into an organisation; the developer confirms the magic link "
        + "and gets the API key. With the key on this connection (Authorization: Bearer onb_…): get_onboarding_status first; start_scraping only "
        + "if the workspace was never onboarded; get_context once completed; the founder interview with start_interview, save_turn and get_brief. "
        + "Errors are tool errors carrying the surface's code.";

    public static IHostApplicationBuilder AddOnboardingMcp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = "onboarding", Title = "Onboarding", Version = "1.0.0" };
                options.ServerInstructions = Instructions;
            })
            // Stateless: any Api instance answers any call, as with the HTTP surfaces; a call's progress rides on its own response.
            .WithHttpTransport(options => options.Stateless = true)
            .WithTools([.. SessionTools.All, .. WorkspaceTools.All, .. InterviewTools.All])
            .WithMessageFilters(filters => filters.AddIncomingFilter(RefuseArgumentsThatAreNotText));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(SdkTelemetrySource));
        // The SDK logs whole messages (a write token is a tool argument) at Trace and Debug only; keep those out whatever the configuration says.
        builder.Logging.AddFilter("ModelContextProtocol", level => level >= LogLevel.Information);
        return builder;
    }

    /// <summary>
    /// The SDK reads a call's arguments by writing them out again, which the escape of an unpaired surrogate cannot survive:
    /// it would answer an internal error. Such a call is refused as invalid params instead, saying why.
    /// </summary>
    private static McpMessageHandler RefuseArgumentsThatAreNotText(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall, Params: { } parameters })
        {
            try
            {
                _ = parameters.ToJsonString();
            }
            catch (InvalidOperationException)
            {
                throw new McpProtocolException(
                    "The arguments contain an unpaired surrogate (\\uD800–\\uDFFF without its other half), which is not Unicode text.", McpErrorCode.InvalidParams);
            }
        }

        await next(context, cancellationToken);
    };

    public static IEndpointRouteBuilder MapOnboardingMcp(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).ExcludeFromDescription();
        return app;
    }
}
