using Onboarding.Data.Model;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>
/// Builds the three contexts from the crawled pages alone: deterministic, no network, no model. It reads titles,
/// meta descriptions, headings and the text under them, with curated vocabularies for industries, roles, sizes and
/// regions, and records for every field the pages it came from. What the pages do not say stays empty: it never
/// guesses. English sites get the most out of it; other languages still get name, tagline, description, products
/// and pricing.
/// </summary>
public static class OfflineContextExtractor
{
    public static GeneratedContext Extract(CrawledSite site)
    {
        var text = Prepare(site);
        return new GeneratedContext(Company(text), Market(text), Icp(text));
    }

    /// <summary>Cleans and types the pages once, for the three extractions to share.</summary>
    internal static SiteText Prepare(CrawledSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        return SiteText.From(site);
    }

    internal static CompanyContext Company(SiteText site) => CompanyExtraction.Extract(site);

    internal static MarketContext Market(SiteText site) => MarketExtraction.Extract(site);

    internal static IdealCustomerProfile Icp(SiteText site) => IcpExtraction.Extract(site);
}
