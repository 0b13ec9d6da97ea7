using Microsoft.Extensions.Options;
using Onboarding.Worker.Crawling;

namespace Onboarding.Worker.Extensions;

public static class CrawlerExtensions
{
    /// <summary>Registers the crawler, its SSRF-safe HTTP client and the DNS resolver it connects through.</summary>
    public static IHostApplicationBuilder AddCrawler(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CrawlerOptions>()
            .BindConfiguration(CrawlerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.PageTimeout > TimeSpan.Zero && o.CrawlTimeout > TimeSpan.Zero, "Crawler:PageTimeout and Crawler:CrawlTimeout must be positive.")
            .ValidateOnStart();

        builder.Services.AddSingleton<IHostResolver, DnsHostResolver>();
#pragma warning disable EXTEXP0001 // Marked "for evaluation"; it is the documented way to drop the default handler for one client.
        builder.Services.AddHttpClient<SiteCrawler>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The crawler keeps its own per-page and per-crawl timeouts and never retries: a site that fails is reported, not hammered.
            .RemoveAllResilienceHandlers()
            .ConfigurePrimaryHttpMessageHandler(services => SafeHttp.CreateHandler(
                services.GetRequiredService<IHostResolver>(), services.GetRequiredService<IOptions<CrawlerOptions>>()));
#pragma warning restore EXTEXP0001
        return builder;
    }
}
