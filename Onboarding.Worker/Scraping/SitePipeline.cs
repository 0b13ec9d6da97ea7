using System.Diagnostics;
using Onboarding.Data.Model;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Generation;
using Onboarding.Worker.Jobs;

namespace Onboarding.Worker.Scraping;

/// <summary>What a run reports while the pipeline works, without waiting: each status it enters, and the crawl's page counts.</summary>
public interface IPipelineProgress
{
    void Enter(string status);

    void Pages(CrawlProgress progress);
}

/// <summary>
/// The steps every context run takes: look the site up, gather its pages, generate the three
/// contexts. Each step is a span of the run's trace (and so a step of its timeline); a crawl failure becomes a job
/// failure that says what went wrong in a person's words, permanent unless trying again may help.
/// </summary>
public sealed class SitePipeline(SiteCrawler crawler, IContextGenerator generator)
{
    public async Task<(CrawledSite Site, GeneratedContext Context)> RunAsync(Uri website, IPipelineProgress? progress, CancellationToken cancellationToken)
    {
        progress?.Enter(ScrapeStatus.LookingUp);
        var opened = await StepAsync(ScrapeStatus.LookingUp, website.Host, () => crawler.OpenAsync(website, cancellationToken));

        progress?.Enter(ScrapeStatus.GatheringInfo);
        var site = await StepAsync(ScrapeStatus.GatheringInfo, website.Host, () => crawler.CrawlAsync(opened, progress is null ? null : progress.Pages, cancellationToken));

        progress?.Enter(ScrapeStatus.GeneratingContext);
        var context = await StepAsync(ScrapeStatus.GeneratingContext, $"{site.Pages.Count} pages", () => generator.GenerateAsync(site, cancellationToken));
        return (site, context);
    }

    private static async Task<T> StepAsync<T>(string name, string detail, Func<Task<T>> step)
    {
        using var span = RunTelemetry.Source.StartActivity(name)?.SetTag(RunTimeline.DetailTag, detail);
        try
        {
            return await step();
        }
        catch (CrawlException e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw new JobFailedException(e.Message, permanent: !e.Transient, e);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }
}
