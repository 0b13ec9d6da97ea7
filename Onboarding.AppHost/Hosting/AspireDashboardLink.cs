using Microsoft.Extensions.DependencyInjection;

namespace Onboarding.AppHost.Hosting;

public static class AspireDashboardLink
{
    /// <summary>
    /// Tells a project where this run's Aspire dashboard is (<c>AspireDashboard__Url</c>), so it can link a trace id to
    /// the trace there. Read from the dashboard resource itself at start, since its address is only known then (under
    /// test it is moved to a free port); a run without a dashboard sets nothing.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAspireDashboardUrl(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithEnvironment(context =>
        {
            var model = context.ExecutionContext.Services.GetRequiredService<DistributedApplicationModel>();
            if (model.Resources.FirstOrDefault(resource => resource.Name == "aspire-dashboard") is IResourceWithEndpoints dashboard
                && dashboard.GetEndpoints().FirstOrDefault(endpoint => endpoint.EndpointName == "http") is { IsAllocated: true } endpoint)
            {
                context.EnvironmentVariables["AspireDashboard__Url"] = endpoint.Url;
            }
        });
}
