using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Jobs;

namespace Onboarding.Worker.Scraping;

/// <summary>
/// Seed 000's onboarding scrape: moves the session through its statuses while the pipeline runs, then writes the
/// three contexts to the user's profile and completes the session in one transaction.
/// </summary>
public sealed class ScrapeJobHandler(SitePipeline pipeline, TimeProvider time) : IJobHandler
{
    public string Kind => JobKinds.Scrape;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var sessionId = job.Lease.SessionId ?? throw new JobFailedException("The scrape has no onboarding session.", permanent: true);
        var website = new Uri(JobPayload.Read<ScrapePayload>(job.Lease.Payload).Website);
        using var progress = new SessionProgress(job, sessionId, time);
        var (site, context) = await pipeline.RunAsync(website, progress, cancellationToken);

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

    /// <summary>Writes each status and the page counts to the session as they change, so status readers see the run move.</summary>
    private sealed class SessionProgress(JobContext job, Guid sessionId, TimeProvider time) : IPipelineProgress, IDisposable
    {
        // The crawler reports from parallel fetches; writes go one at a time, newest counts last.
        private readonly SemaphoreSlim _writing = new(1, 1);
        private CrawlProgress _written;

        public Task EnterAsync(string status, CancellationToken cancellationToken) =>
            job.WriteAsync((db, ct) => db.ScrapeSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.UpdatedAt, time.GetUtcNow()), ct), cancellationToken);

        public async Task PagesAsync(CrawlProgress progress, CancellationToken cancellationToken)
        {
            await _writing.WaitAsync(cancellationToken);
            try
            {
                if (progress.PagesFound <= _written.PagesFound && progress.PagesFetched <= _written.PagesFetched)
                {
                    return;
                }

                _written = new CrawlProgress(Math.Max(progress.PagesFound, _written.PagesFound), Math.Max(progress.PagesFetched, _written.PagesFetched));
                var (found, fetched) = (_written.PagesFound, _written.PagesFetched);
                await job.WriteAsync((db, ct) => db.ScrapeSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.PagesFound, found)
                    .SetProperty(x => x.PagesFetched, fetched)
                    .SetProperty(x => x.UpdatedAt, time.GetUtcNow()), ct), cancellationToken);
            }
            finally
            {
                _writing.Release();
            }
        }

        public void Dispose() => _writing.Dispose();
    }
}
