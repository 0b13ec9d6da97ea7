using Aspire.Hosting.ApplicationModel;

namespace Onboarding.Testing;

/// <summary>One running replica of a service: the orchestrator's id for it, its own address (no trailing slash) and its process.</summary>
public sealed record ServiceInstance(string Id, string Resource, string Url, int ProcessId)
{
    /// <summary>The replica the orchestrator's resource event describes, once it has an address and a process.</summary>
    public static ServiceInstance? Describe(ResourceEvent instance)
    {
        var url = instance.Snapshot.EnvironmentVariables.FirstOrDefault(variable => variable.Name == "ASPNETCORE_URLS")?.Value?.Split(';')[0];
        var launcher = instance.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value;
        if (url is null || launcher is null || !int.TryParse(launcher.ToString(), out var launcherId))
        {
            return null;
        }

        // The orchestrator starts a project through `dotnet run`, whose child is the service itself (started by any of
        // its threads: each thread lists the children it started).
        string[] children;
        try
        {
            children = [.. Directory.GetDirectories($"/proc/{launcherId}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            children = [];
        }

        return children is [var child, ..] ? new(instance.ResourceId, instance.Resource.Name, url.TrimEnd('/'), int.Parse(child, System.Globalization.CultureInfo.InvariantCulture)) : null;
    }
}
