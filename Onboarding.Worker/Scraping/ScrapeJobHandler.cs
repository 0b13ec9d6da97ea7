using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Jobs;

namespace Onboarding.Worker.Scraping;

/// <summary>
/// The workspace contract's onboarding scrape: moves the session through its statuses while the pipeline runs, then writes the
/// three contexts to the user's profile and completes the session in one transaction.
/// </summary>
public sealed class ScrapeJobHandler(SitePipeline pipeline, TimeProvider time, ILogger<ScrapeJobHandler> logger) : IJobHandler
{
    public string Kind => JobKinds.Scrape;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var sessionId = job.Lease.SessionId ?? throw new JobFailedException("The scrape has no onboarding session.", permanent: true);
        var website = new Uri(JobPayload.Read<ScrapePayload>(job.Lease.Payload).Website);
        await using var progress = new SessionProgress(job, sessionId, time, logger, cancellationToken);
        // The first status is committed before any work, so watchers learn at once that the run was picked up.
        progress.Enter(ScrapeStatus.LookingUp);
        await progress.FlushAsync();
        var (site, context) = await pipeline.RunAsync(website, progress, cancellationToken);
        // The result carries the final status and counts: progress not yet written is dropped, and the result waits only
        // for a write already under way (rather than racing it for the job's row).
        var pages = await progress.StopAsync();

        using var span = RunTelemetry.Source.StartActivity("write_profile")?.SetTag(RunTimeline.DetailTag, context.Company.Name);
        await job.CompleteAsync(async (db, ct) =>
        {
            var now = time.GetUtcNow();
            var session = await db.ScrapeSessions.SingleAsync(s => s.Id == sessionId, ct);
            var profile = await ProfileWriter.LoadAsync(db, job.Lease, session.Email, now, ct);
            profile.FirstName ??= session.FirstName;
            profile.LastName ??= session.LastName;
            profile.Website = site.Home.ToString();
            ProfileWriter.Apply(profile, context, now);
            session.Status = ScrapeStatus.Completed;
            session.CompanyName = context.Company.Name;
            session.PagesFound = pages.PagesFound;
            session.PagesFetched = site.Pages.Count;
            session.CompletedAt = now;
            session.UpdatedAt = now;
        }, cancellationToken);
    }

    public Task OnFailedAsync(JobContext job, OnboardingDbContext db, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The step that failed is the status the session was in (pending when it never started).
        return db.ScrapeSessions.Where(s => s.Id == job.Lease.SessionId && s.Status != ScrapeStatus.Completed).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.ErrorStep, x => x.Status)
            .SetProperty(x => x.Status, ScrapeStatus.Failed)
            .SetProperty(x => x.ErrorMessage, message.Length <= 1000 ? message : message[..1000])
            .SetProperty(x => x.UpdatedAt, now), cancellationToken);
    }

    /// <summary>
    /// Writes the session's status and page counts as the run moves, in the background and newest last: the pipeline
    /// never waits for them (status readers see each change a write later), and a burst of changes costs one write.
    /// Each write is fenced like every write of the run, so none lands after the run's result.
    /// </summary>
    private sealed class SessionProgress(JobContext job, Guid sessionId, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
        : IPipelineProgress, IAsyncDisposable
    {
        private readonly Lock _lock = new();
        private (string? Status, CrawlProgress Pages) _wanted;
        private (string? Status, CrawlProgress Pages) _written;
        private Task _writer = Task.CompletedTask;
        private bool _writing;
        private bool _stopped;

        public void Enter(string status) => Want(status, null);

        public void Pages(CrawlProgress progress) => Want(null, progress);

        /// <summary>Waits for the last change to be written (or given up on).</summary>
        public Task FlushAsync()
        {
            lock (_lock)
            {
                return _writer;
            }
        }

        /// <summary>Takes no more changes and waits for the write under way, if any; returns the last page counts for the result.</summary>
        public async Task<CrawlProgress> StopAsync()
        {
            Task writing;
            CrawlProgress pages;
            lock (_lock)
            {
                _stopped = true;
                (writing, pages) = (_writer, _wanted.Pages);
            }

            await writing;
            return pages;
        }

        public async ValueTask DisposeAsync()
        {
            if (!job.Completed)
            {
                // The run failed: what was dropped is written after all, so the failed step recorded is the status it reached.
                lock (_lock)
                {
                    _stopped = false;
                }

                Want(null, null);
            }

            await FlushAsync();
        }

        private void Want(string? status, CrawlProgress? pages)
        {
            lock (_lock)
            {
                if (_stopped)
                {
                    return;
                }

                _wanted = (status ?? _wanted.Status, pages ?? _wanted.Pages);
                if (!_writing)
                {
                    _writing = true;
                    _writer = Task.Run(WriteAsync);
                }
            }
        }

        private async Task WriteAsync()
        {
            while (true)
            {
                (string? Status, CrawlProgress Pages) next;
                lock (_lock)
                {
                    if (_wanted == _written || _stopped)
                    {
                        _writing = false;
                        return;
                    }

                    next = _wanted;
                }

                try
                {
                    await job.WriteAsync((db, ct) => db.ScrapeSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s
                        .SetProperty(x => x.Status, x => next.Status ?? x.Status)
                        .SetProperty(x => x.PagesFound, next.Pages.PagesFound)
                        .SetProperty(x => x.PagesFetched, next.Pages.PagesFetched)
                        .SetProperty(x => x.UpdatedAt, time.GetUtcNow()), ct), cancellationToken);
                }
                catch (Exception e) when (e is OperationCanceledException or LeaseLostException)
                {
                    // The run is stopping, or is another worker's now; how it ended is written (or logged) by the runner.
                }
                catch (Exception e)
                {
                    // Progress is for watchers: the run goes on, and its next write (or its result) says where it is.
                    logger.LogWarning(e, "Progress of run {RunId} not written ({Status}, {Pages} pages)", job.RunId, next.Status, next.Pages.PagesFetched);
                }

                lock (_lock)
                {
                    _written = next;
                }
            }
        }
    }
}
