using Onboarding.Worker.Scraping;

namespace Onboarding.Worker.Extensions;

public static class ScrapingExtensions
{
    /// <summary>The scrape and regenerate jobs: the crawler, the generators, and the handlers that run them.</summary>
    public static IHostApplicationBuilder AddScraping(this IHostApplicationBuilder builder)
    {
        builder.AddCrawler();
        builder.AddContextGeneration();
        builder.Services.AddSingleton<SitePipeline>();
        builder.AddJobHandler<ScrapeJobHandler>();
        builder.AddJobHandler<RegenerateJobHandler>();
        return builder;
    }
}
