using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using Onboarding.Worker.Jobs;

namespace Onboarding.Worker.Scraping;

/// <summary>
/// The workspace contract's regenerate: crawls the given website (else the profile's) again and replaces the generated contexts.
/// The freeform text and LinkedIn URLs were written by the Api already; with no website at all there is nothing to crawl.
/// </summary>
public sealed class RegenerateJobHandler(SitePipeline pipeline, TimeProvider time) : IJobHandler
{
    public string Kind => JobKinds.Regenerate;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var payload = JobPayload.Read<RegeneratePayload>(job.Lease.Payload);
        var website = payload.Website ?? await job.ReadAsync(
            (db, ct) => db.UserProfiles.Where(p => p.UserId == job.Lease.UserId).Select(p => p.Website).SingleOrDefaultAsync(ct),
            cancellationToken);

        if (website is null)
        {
            using var nothing = RunTelemetry.Source.StartActivity("nothing_to_crawl")?.SetTag(RunTimeline.DetailTag, "no website on the profile");
            return;
        }

        var (site, context) = await pipeline.RunAsync(new Uri(website), progress: null, cancellationToken);

        using var span = RunTelemetry.Source.StartActivity("write_profile")?.SetTag(RunTimeline.DetailTag, context.Company.Name);
        await job.CompleteAsync(async (db, ct) =>
        {
            var now = time.GetUtcNow();
            var email = await db.Users.Where(u => u.Id == job.Lease.UserId).Select(u => u.Email).SingleAsync(ct);
            var profile = await ProfileWriter.LoadAsync(db, job.Lease, email, now, ct);
            profile.Website = site.Home.ToString();
            ProfileWriter.Apply(profile, context, now);
        }, cancellationToken);
    }
}
