using Onboarding.Api.Authentication;
using StackExchange.Redis;

namespace Onboarding.Api.Workspaces;

/// <summary>
/// Tells the dashboard's live home that something of a workspace changed: after every successful write of a route
/// group (its handlers commit before they answer), a message on the org's channel. A lost message costs the home one
/// update; without Redis the home polls.
/// </summary>
public static class WorkspaceNotifier
{
    public static RouteGroupBuilder NotifiesWorkspace(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method) && http.User.FindFirst(ApiKeyClaims.OrgId)?.Value is { } orgId)
            {
                http.Response.OnCompleted(() => PublishAsync(http, orgId));
            }

            return await next(context);
        });
        return group;
    }

    /// <summary>Announces the request's write (its path names what changed) once it succeeded; also for the MCP tools' calls.</summary>
    public static async Task PublishAsync(HttpContext http, string orgId)
    {
        if (http.Response.StatusCode is < 200 or >= 300)
        {
            return;
        }

        var redis = http.RequestServices.GetRequiredService<IConnectionMultiplexer>();
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannels.Workspace(orgId), http.Request.Path.Value, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WorkspaceNotifier))
                .LogDebug(e, "Could not announce a change of workspace {OrgId}; its live views poll while Redis is away", orgId);
        }
    }
}
