using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Onboarding.AppHost.Hosting;

/// <summary>
/// On Ctrl+C the orchestrator stops every resource at once, so Postgres could be gone before the Worker has handed its
/// running jobs back to the queue. Registered after the orchestrator, this host service is stopped before it: it stops
/// the services first, each tier after the ones that wait for it, and leaves the databases to the orchestrator.
/// </summary>
internal sealed class StopDependentsFirst(
    DistributedApplicationModel model, ResourceNotificationService notifications, ResourceCommandService commands, ILogger<StopDependentsFirst> logger)
    : BackgroundService
{
    // Each replica's instance id and latest state, as the orchestrator reports them.
    private readonly ConcurrentDictionary<string, ResourceEvent> _instances = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                _instances[update.ResourceId] = update;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private int _stopped;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A testing host stops its application and then stops it again while disposing: once is all there is to do.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        foreach (var tier in Tiers([.. model.Resources.OfType<ProjectResource>()]))
        {
            var running = _instances.Values
                .Where(instance => tier.Contains(instance.Resource) && instance.Snapshot.State?.Text == KnownResourceStates.Running)
                .Select(instance => instance.ResourceId)
                .ToList();
            if (running.Count > 0)
            {
                logger.LogInformation("Stopping {Instances}.", string.Join(", ", running));
                await Task.WhenAll(running.Select(id => StopAsync(id, cancellationToken)));
            }
        }
    }

    /// <summary>The projects in stopping order: first those no other project waits for, then what they waited for, and so on.</summary>
    internal static List<List<ProjectResource>> Tiers(List<ProjectResource> projects)
    {
        var waitsFor = projects.ToDictionary(
            project => project,
            project => project.Annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource).OfType<ProjectResource>().ToHashSet());
        var tiers = new List<List<ProjectResource>>();
        var left = projects.ToHashSet();
        while (left.Count > 0)
        {
            var tier = left.Where(project => !left.Any(other => waitsFor[other].Contains(project))).ToList();
            if (tier.Count == 0)
            {
                // A cycle of waits cannot be ordered: stop the rest together.
                tier = [.. left];
            }

            tiers.Add(tier);
            left.ExceptWith(tier);
        }

        return tiers;
    }

    private async Task StopAsync(string instanceId, CancellationToken cancellationToken)
    {
        var result = await commands.ExecuteCommandAsync(instanceId, KnownResourceCommands.StopCommand, cancellationToken);
        if (!result.Success)
        {
            logger.LogWarning("Could not stop {Instance}: {Message}", instanceId, result.Message);
        }
    }
}
