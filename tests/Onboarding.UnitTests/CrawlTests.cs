namespace Onboarding.UnitTests;

/// <summary>The crawl spends its pages on different pages: one address per page, the start page's language only.</summary>
public sealed class CrawlTests
{
    [Fact]
    public async Task A_page_linked_with_query_strings_fragments_and_html_suffixes_is_fetched_once()
    {
        var (site, _, server) = await FixtureSite.CrawlAsync("query-duplicates");

        // /pricing?origin=menu, /pricing?modal=signup, /pricing.html and /pricing#faq are one page; so are
        // /features, /features/ and /features/index.html (the first of which answers with a redirect).
        Assert.Single(server.PagesServed, p => p.StartsWith("/pricing", StringComparison.Ordinal));
        Assert.Single(server.PagesServed, p => p.StartsWith("/features", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Requests, r => r.Path.Contains('?', StringComparison.Ordinal));
        Assert.Equal(3, site.Pages.Count);
    }

    [Fact]
    public async Task A_crawl_started_in_French_stays_in_French()
    {
        var (site, _, server) = await FixtureSite.CrawlAsync("language-switch", "/fr/");

        Assert.Contains("/fr/prix.html", server.PagesServed);
        Assert.DoesNotContain(server.Requests, r => r.Path.StartsWith("/en/", StringComparison.Ordinal) || r.Path.StartsWith("/de/", StringComparison.Ordinal));
        Assert.All(site.Pages, p => Assert.StartsWith("/fr/", p.Url.AbsolutePath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_page_only_the_sitemap_lists_is_crawled_and_other_hosts_in_it_are_not()
    {
        var (site, context, server) = await FixtureSite.CrawlAsync("sitemap");

        Assert.Contains("/pricing/", server.PagesServed);
        Assert.Equal(2, site.Pages.Count);
        Assert.Contains("Grower: $19/month", context.Company.Pricing);
    }
}
