using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Npgsql;
using Onboarding.Api.Authentication;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Workspaces;
using Onboarding.Data.Infrastructure;

namespace Onboarding.Api.Mcp;

/// <summary>Whom a limit counts: the client's address, or the API key's user.</summary>
internal enum LimitedBy
{
    ClientAddress,
    User,
}

/// <summary>A rate limit of the twin endpoint: the same policy name and key, so a tool call and an HTTP call share one count.</summary>
internal sealed record ToolLimit(string Policy, Func<RateLimitOptions, RateLimit> Limit, LimitedBy By, WhenRedisIsDown WhenDown);

/// <summary>A tool: what an agent reads about it, its HTTP twin (the endpoint it calls in process), and how it runs.</summary>
internal sealed record ToolDefinition
{
    public required string Name { get; init; }

    public required string Title { get; init; }

    public required string Description { get; init; }

    /// <summary>The twin's method and path: errors answer in that surface's envelope, limits and notifications are the twin's.</summary>
    public required string Method { get; init; }

    public required string Path { get; init; }

    public required JsonElement Schema { get; init; }

    public bool NeedsApiKey { get; init; }

    public bool ReadOnly { get; init; }

    public Extra[] Extras { get; init; } = [];

    public ToolLimit[] Limits { get; init; } = [];

    /// <summary>Argument paths whose strings are kept as sent rather than checked as text (an event's payload).</summary>
    public string[] Opaque { get; init; } = [];

    public required Func<ToolCall, Task<CallToolResult>> Run { get; init; }
}

/// <summary>
/// Runs every tool call the same way: the arguments checked as text by the rule every surface uses, the API key required
/// where the twin requires it, the twin's rate limits, then the tool; a fault becomes the tool error the twin's 503 or 500
/// would be (logged, never explained), and a successful write tells the dashboard, as the twin's route group does.
/// </summary>
internal sealed class OnboardingTool(ToolDefinition definition) : McpServerTool
{
    public ToolDefinition Definition { get; } = definition;

    public override Tool ProtocolTool { get; } = new()
    {
        Name = definition.Name,
        Title = definition.Title,
        Description = definition.Description,
        InputSchema = definition.Schema,
        Annotations = new ToolAnnotations
        {
            Title = definition.Title,
            ReadOnlyHint = definition.ReadOnly,
            DestructiveHint = false,
            IdempotentHint = definition.ReadOnly,
        },
    };

    public override IReadOnlyList<object> Metadata { get; } = [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var services = request.Services ?? throw new InvalidOperationException("An MCP request without services.");
        var connection = services.GetRequiredService<IHttpContextAccessor>().HttpContext
            ?? throw new InvalidOperationException("The MCP server is served over HTTP only.");
        var call = new ToolCall(this, connection, services, request.Server, request.Params?.ProgressToken, cancellationToken);
        try
        {
            call.Load(request.Params?.Arguments);
            var result = await RunAsync(call);
            if (Definition.NeedsApiKey && !HttpMethods.IsGet(Definition.Method) && result.IsError != true)
            {
                await WorkspaceNotifier.PublishAsync(call.Twin, call.Workspace.OrgId);
            }

            return result;
        }
        catch (ToolArgumentException e)
        {
            return ToolResults.From(Errors.InvalidRequest(e.Message), call.Twin);
        }
        catch (Exception e) when (ErrorHandling.IsDependencyOutage(e) && !cancellationToken.IsCancellationRequested)
        {
            ConnectionLoss.ClearPoolOn(e, services.GetRequiredService<NpgsqlDataSource>());
            call.Twin.Response.Headers.RetryAfter = "1";
            return ToolResults.From(Errors.DependencyUnavailable(), call.Twin);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            services.GetRequiredService<ILogger<OnboardingTool>>().LogError(e, "The MCP tool {Tool} failed", Definition.Name);
            return ToolResults.From(
                Errors.Create(StatusCodes.Status500InternalServerError, "internal_error", "Something went wrong on our side; the request was not applied."), call.Twin);
        }
    }

    private async Task<CallToolResult> RunAsync(ToolCall call)
    {
        if (JsonText.FirstProblem(call.Arguments, Definition.Opaque) is { } problem)
        {
            return ToolResults.From(Errors.InvalidRequest(problem.Replace("the body", "the arguments", StringComparison.Ordinal)), call.Twin);
        }

        var limits = Definition.Limits;
        if (Definition.NeedsApiKey)
        {
            if (call.User.FindFirst(ApiKeyClaims.KeyId)?.Value is not { } key)
            {
                return ToolResults.From(Errors.Unauthorized(), call.Twin);
            }

            // The whole keyed surface's limit per key, as its route groups apply it; without Redis it is kept per instance.
            if (await CheckAsync(call, "api-key", o => o.ApiPerKey, key, WhenRedisIsDown.LocalLimit) is { } refused)
            {
                return refused;
            }
        }

        foreach (var limit in limits)
        {
            var who = limit.By == LimitedBy.User ? call.Workspace.UserId : RateLimitingExtensions.ClientAddress(call.Twin);
            if (await CheckAsync(call, limit.Policy, limit.Limit, who, limit.WhenDown) is { } refused)
            {
                return refused;
            }
        }

        return await Definition.Run(call);
    }

    private static async Task<CallToolResult?> CheckAsync(ToolCall call, string policy, Func<RateLimitOptions, RateLimit> limit, string key, WhenRedisIsDown whenDown)
    {
        var options = call.Service<IOptions<RateLimitOptions>>().Value;
        var decision = await call.Service<RateLimiter>().CheckAsync(policy, limit(options), key, whenDown);
        return decision.Allowed ? null : ToolResults.From(decision.Refusal(call.Twin.Response), call.Twin);
    }
}
