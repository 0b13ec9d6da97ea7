using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Data.Infrastructure;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Worker.Sweeping;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Worker;

/// <summary>
/// A sweep a month ahead expires every other test's sessions and idempotency keys in the shared database,
/// so these tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
[Collection(typeof(ExpiredSessionSweeperTests))]
public sealed class ExpiredSessionSweeperTests(OnboardingApiFactory factory)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheSweeperDeletesExpiredSessionsEventsAndKeepsLiveAndClaimedOnes()
    {
        // Arrange: one session opened now, one opened 20 days later, one claimed; 25 events each.
        var now = DateTimeOffset.UtcNow;
        var expired = await OpenWithEventsAsync(now, 25);
        var live = await OpenWithEventsAsync(now.AddDays(20), 25);
        var claimed = await OpenWithEventsAsync(now, 25);
        await using (var db = CreateContext())
        {
            await db.AgentSessions.Where(s => s.Id == claimed).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClaimedAt, now), Cancel);
        }

        // Act: sweep 31 days on, in batches of 7.
        var result = await CreateSweeper(now.AddDays(31), batchSize: 7).SweepAsync(Cancel);

        // Assert
        Assert.True(result.EventsDeleted >= 26);
        await using var check = CreateContext();
        Assert.Equal(0, await check.SessionEvents.CountAsync(e => e.SessionId == expired, Cancel));
        Assert.Equal(26, await check.SessionEvents.CountAsync(e => e.SessionId == live, Cancel));
        Assert.Equal(26, await check.SessionEvents.CountAsync(e => e.SessionId == claimed, Cancel));
        var tombstone = await check.AgentSessions.SingleAsync(s => s.Id == expired, Cancel);
        Assert.NotNull(tombstone.EventsPurgedAt);
    }

    [Fact]
    public async Task ASweepKilledMidwayIsFinishedByTheNextOne()
    {
        var now = DateTimeOffset.UtcNow.AddDays(-60);
        var expired = await OpenWithEventsAsync(now, 30);
        using var killAfterFirstBatch = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var interrupted = CreateSweeper(now.AddDays(31), batchSize: 10, new CancelAfterFirstDelete(killAfterFirstBatch));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted.SweepAsync(killAfterFirstBatch.Token));

        await using (var midway = CreateContext())
        {
            var left = await midway.SessionEvents.CountAsync(e => e.SessionId == expired, Cancel);
            Assert.InRange(left, 1, 30);
            Assert.Null((await midway.AgentSessions.SingleAsync(s => s.Id == expired, Cancel)).EventsPurgedAt);
        }

        await CreateSweeper(now.AddDays(31), batchSize: 10).SweepAsync(Cancel);

        await using var after = CreateContext();
        Assert.Equal(0, await after.SessionEvents.CountAsync(e => e.SessionId == expired, Cancel));
        Assert.NotNull((await after.AgentSessions.SingleAsync(s => s.Id == expired, Cancel)).EventsPurgedAt);
    }

    [Fact]
    public async Task ASweptSessionAnswersSessionExpired()
    {
        var now = DateTimeOffset.UtcNow.AddDays(-90);
        var client = new SessionsClient(factory.WithTime(new FakeTimeProvider(now)).CreateClient());
        var session = await client.OpenAsync();
        await CreateSweeper(now.AddDays(31), batchSize: 100).SweepAsync(Cancel);

        using var read = await new SessionsClient(factory.CreateClient()).ReadAsync(session.Id, session.ViewToken);

        await AssertErrorAsync(read, 410, "session_expired");
    }

    private async Task<string> OpenWithEventsAsync(DateTimeOffset openedAt, int events)
    {
        var client = new SessionsClient(factory.WithTime(new FakeTimeProvider(openedAt)).CreateClient());
        var session = await client.OpenAsync();
        using var response = await client.AppendAsync(session, Batch(Enumerable.Range(0, events).Select(i => Event("onboarding.step", new { i })).ToArray()));
        Assert.True(response.IsSuccessStatusCode);
        return session.Id;
    }

    private OnboardingDbContext CreateContext() => DesignTimeDbContextFactory.Create(factory.Infrastructure.PostgresConnectionString);

    private ExpiredSessionSweeper CreateSweeper(DateTimeOffset now, int batchSize, IInterceptor? interceptor = null)
    {
        var services = new ServiceCollection()
            .AddDbContext<OnboardingDbContext>(options =>
            {
                options.UseNpgsql(factory.Infrastructure.PostgresConnectionString).UseSnakeCaseNamingConvention();
                if (interceptor is not null)
                {
                    options.AddInterceptors(interceptor);
                }
            })
            .BuildServiceProvider();
        return new ExpiredSessionSweeper(
            services.GetRequiredService<IServiceScopeFactory>(),
            new FakeTimeProvider(now),
            Options.Create(new SweeperOptions { BatchSize = batchSize }),
            NullLogger<ExpiredSessionSweeper>.Instance);
    }

    /// <summary>Stands in for a kill: the sweep is cancelled as soon as its first batch has committed.</summary>
    private sealed class CancelAfterFirstDelete(CancellationTokenSource kill) : DbCommandInterceptor
    {
        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("DELETE FROM session_events", StringComparison.Ordinal))
            {
                kill.Cancel();
            }

            return ValueTask.FromResult(result);
        }
    }
}
