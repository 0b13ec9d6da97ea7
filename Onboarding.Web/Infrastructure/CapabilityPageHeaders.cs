namespace Onboarding.Web.Infrastructure;

/// <summary>
/// Pages under <c>/onboarding/</c> carry a token in their address that grants read access (a capability), and
/// pages under <c>/dashboard/</c> show a signed-in workspace: no cache may keep them and no link may leak the
/// address as a referrer.
/// </summary>
public static class CapabilityPageHeaders
{
    public static readonly PathString CapabilityPages = "/onboarding";

    public static readonly PathString DashboardPages = "/dashboard";

    public static IApplicationBuilder UseCapabilityPageHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(CapabilityPages) || context.Request.Path.StartsWithSegments(DashboardPages))
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.CacheControl = "no-store";
                    context.Response.Headers["Referrer-Policy"] = "no-referrer";
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
}
