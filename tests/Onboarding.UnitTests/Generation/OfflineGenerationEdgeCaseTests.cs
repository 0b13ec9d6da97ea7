using Onboarding.Testing;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Generation.Offline;

namespace Onboarding.UnitTests.Generation;

/// <summary>The offline extractor on sites that give it little, too much, or something unusual.</summary>
public sealed class OfflineGenerationEdgeCaseTests
{
    [Fact]
    public void AOnePageSiteWithOnlyATitleGetsItsNameAndNothingElse()
    {
        var home = new Uri("https://acme-widgets.example/");
        var site = new CrawledSite(home, [new CrawledPage(home, "Acme Widgets", null, null, [], "", null)]);

        var result = OfflineContextExtractor.Extract(site);

        Assert.Equal("Acme Widgets", result.Company.Name);
        Assert.Equal("https://acme-widgets.example/", result.Company.Website);
        Assert.Equal(["https://acme-widgets.example/"], result.Company.Sources["name"]);
        Assert.Null(result.Company.Description);
        Assert.Empty(result.Company.Products);
        Assert.Empty(result.Company.Pricing);
        Assert.Null(result.Market.Category);
        Assert.Empty(result.Market.Sources);
        Assert.Null(result.Icp.Summary);
        Assert.Empty(result.Icp.Sources);
    }

    [Fact]
    public void APageWithNothingOnItIsNamedAfterItsDomain()
    {
        var home = new Uri("https://www.acme-corp.co.uk/");
        var site = new CrawledSite(home, [new CrawledPage(home, "Home", null, null, [], "Skip to content", null)]);

        var result = OfflineContextExtractor.Extract(site);

        Assert.Equal("Acme Corp", result.Company.Name);
        Assert.Null(result.Company.Tagline);
    }

    [Fact]
    public void AGermanSiteIsReadWithoutCrashingAndNamedSensibly()
    {
        var site = new CrawledSite(new Uri("https://www.baeckerei-schmidt.de/"),
        [
            new CrawledPage(new Uri("https://www.baeckerei-schmidt.de/"), "Bäckerei Schmidt – Frische Brötchen seit 1920",
                "Traditionelle Handwerksbäckerei in München seit 1920. Wir backen jeden Morgen frische Brötchen, Brot und Kuchen.", null,
                ["Frisch gebacken in München", "Unser Sortiment", "Öffnungszeiten"],
                """
                Wir verwenden Cookies. Alle akzeptieren Ablehnen

                Frisch gebacken in München

                Seit über hundert Jahren backen wir mit Sauerteig, regionalem Mehl und viel Zeit. Jeden Morgen ab 6 Uhr frisch für Sie.

                Unser Sortiment

                Brötchen, Bauernbrot, Brezen und Kuchen nach Familienrezept.

                Öffnungszeiten

                Montag bis Samstag 6–18 Uhr
                """, "de"),
            new CrawledPage(new Uri("https://www.baeckerei-schmidt.de/ueber-uns"), "Über uns | Bäckerei Schmidt", null, null, ["Über uns"],
                "Über uns\n\nDie Bäckerei Schmidt ist ein Familienbetrieb in vierter Generation. Unser Laden liegt in der Sendlinger Straße 12, 80331 München.", "de"),
        ]);

        var result = OfflineContextExtractor.Extract(site);

        Assert.Equal("Bäckerei Schmidt", result.Company.Name);
        Assert.Equal("Frisch gebacken in München", result.Company.Tagline);
        Assert.StartsWith("Traditionelle Handwerksbäckerei in München seit 1920.", result.Company.Description, StringComparison.Ordinal);
        AssertSourcesAreCrawled(site, result);
    }

    [Fact]
    public void AJapaneseSiteWithoutLetterCaseIsNamedFromItsTitle()
    {
        var home = new Uri("https://www.sample.co.jp/");
        var site = new CrawledSite(home,
        [
            new CrawledPage(home, "サンプル株式会社 | 公式サイト", "サンプル株式会社は、中小企業向けの会計ソフトを提供しています。", null,
                ["毎日の経理をもっと簡単に"], "毎日の経理をもっと簡単に\n\n請求書の作成から決算まで、ひとつのサービスで。中小企業の経理担当者のために作りました。", "ja"),
        ]);

        var result = OfflineContextExtractor.Extract(site);

        Assert.Equal("サンプル株式会社", result.Company.Name);
        Assert.Equal("毎日の経理をもっと簡単に", result.Company.Tagline);
        AssertSourcesAreCrawled(site, result);
    }

    [Fact]
    public void HugePagesAreReadWithinBoundsAndStillNamed()
    {
        // Ten pages of two million characters each: long prose, an endless line without spaces, thousands of headings.
        var prose = string.Concat(Enumerable.Repeat("Acme helps finance teams close their books faster. Manual reconciliation is slow and error-prone.\n\n", 15_000));
        var endless = new string('x', 500_000);
        var headings = Enumerable.Range(0, 5_000).Select(i => $"Feature number {i}").ToList();
        var pages = Enumerable.Range(0, 10).Select(i => new CrawledPage(
            new Uri(i == 0 ? "https://acme.example/" : $"https://acme.example/page-{i}"),
            i == 0 ? "Acme | Finance automation" : $"Page {i} | Acme",
            "Acme is the finance automation platform for finance teams.",
            "Acme",
            headings,
            prose + endless,
            "en")).ToList();
        var site = new CrawledSite(pages[0].Url, pages);

        var result = OfflineContextExtractor.Extract(site);

        Assert.Equal("Acme", result.Company.Name);
        Assert.InRange(result.Company.Description?.Length ?? 0, 1, 800);
        Assert.InRange(result.Company.Products.Count, 0, 8);
        Assert.All(result.Icp.PainPoints, p => Assert.InRange(p.Length, 1, 201));
        Assert.All(result.Market.ValuePropositions, v => Assert.InRange(v.Length, 1, 221));
        Assert.Contains("Finance teams", result.Icp.Roles);
        AssertSourcesAreCrawled(site, result);
    }

    [Fact]
    public void MarkupLikeTextStaysTextAndIsNeverDecoded()
    {
        var home = new Uri("https://widgets.example/");
        var site = new CrawledSite(home,
        [
            new CrawledPage(home, "Widgets Inc | Embeddable UI", "Widgets Inc builds <b>fast</b> embeddable components &amp; hooks for React teams.", "Widgets Inc",
                ["Ship <Widget/> components & hooks", "Drag-and-drop editor", "<script>alert('x')</script>"],
                """
                Ship <Widget/> components & hooks

                Widgets Inc is the component platform for React teams who build dashboards.

                Drag-and-drop editor

                Arrange <Widget/> blocks on a canvas & publish them in one click.

                <script>alert('x')</script>

                <img src=x onerror=alert(1)>
                """, "en"),
        ]);

        var result = OfflineContextExtractor.Extract(site);

        // Kept exactly as written: not stripped, not decoded, not escaped.
        Assert.Equal("Ship <Widget/> components & hooks", result.Company.Tagline);
        var editor = Assert.Single(result.Company.Products, p => p.Name == "Drag-and-drop editor");
        Assert.Equal("Arrange <Widget/> blocks on a canvas & publish them in one click.", editor.Description);
        // Code is never taken for a description or an offering.
        var all = AllStrings(result);
        Assert.DoesNotContain(all, s => s.Contains("<script>", StringComparison.Ordinal) || s.Contains("onerror", StringComparison.Ordinal));
        Assert.DoesNotContain(all, s => s.Contains("&lt;", StringComparison.Ordinal) || s.Contains("&amp;", StringComparison.Ordinal));
        var input = string.Join('\n', site.Pages.SelectMany(p => new[] { p.Title, p.Description, p.MainText }.Concat(p.Headings)).OfType<string>());
        Assert.All(all.Where(s => s.Contains('<', StringComparison.Ordinal)), s => Assert.Contains(s.Split(": ")[^1], input, StringComparison.Ordinal));
    }

    [Fact]
    public void AudiencePhrasesBecomeSizesRolesIndustriesAndRegions()
    {
        var home = new Uri("https://ledgerly.example/");
        var site = new CrawledSite(home,
        [
            new CrawledPage(home, "Ledgerly | Accounting software for restaurants", "Ledgerly is accounting software for restaurants and hotels.", "Ledgerly",
                ["Accounting software for restaurants", "Built for CFOs, controllers and AP clerks", "Made for SMBs and mid-size groups"],
                """
                Accounting software for restaurants

                Built for CFOs, controllers and AP clerks

                Ledgerly is made for teams of 10–200 people who are tired of closing the month in spreadsheets.

                Made for SMBs and mid-size groups

                Our accountants answer support tickets within an hour. Ledgerly serves customers in the United States and Canada.
                """, "en"),
        ]);

        var icp = OfflineContextExtractor.Extract(site).Icp;

        Assert.Superset(new HashSet<string> { "CFOs", "Controllers", "AP teams" }, icp.Roles.ToHashSet());
        // "Our accountants" are Ledgerly's own people.
        Assert.DoesNotContain("Accountants", icp.Roles);
        Assert.Superset(new HashSet<string> { "10–200 employees", "Small businesses" }, icp.CompanySizes.ToHashSet());
        Assert.Superset(new HashSet<string> { "Restaurants", "Hospitality" }, icp.Industries.ToHashSet());
        Assert.Equal(["United States", "Canada"], icp.Regions);
        Assert.Contains("Closing the month in spreadsheets", icp.PainPoints);
    }

    [Fact]
    public void PagesInAnyOrderAreReadHomeFirst()
    {
        var site = SiteFixtures.Load("ramp");
        var shuffled = new CrawledSite(site.Home, site.Pages.Reverse().ToList());

        var ordered = OfflineContextExtractor.Extract(site);
        var reversed = OfflineContextExtractor.Extract(shuffled);

        Assert.Equal(ordered.Company.Name, reversed.Company.Name);
        Assert.Equal(ordered.Company.Tagline, reversed.Company.Tagline);
        Assert.Equal(ordered.Company.Pricing, reversed.Company.Pricing);
    }

    private static void AssertSourcesAreCrawled(CrawledSite site, Onboarding.Worker.Generation.GeneratedContext result)
    {
        var crawled = site.Pages.Select(p => p.Url.AbsoluteUri).ToHashSet(StringComparer.Ordinal);
        var urls = result.Company.Sources.Values.Concat(result.Market.Sources.Values).Concat(result.Icp.Sources.Values).SelectMany(u => u);
        Assert.All(urls, url => Assert.Contains(url, crawled));
    }

    private static List<string> AllStrings(Onboarding.Worker.Generation.GeneratedContext result)
    {
        var (company, market, icp) = (result.Company, result.Market, result.Icp);
        return new[] { company.Name, company.Tagline, company.Description, company.Headquarters, market.Category, market.PricingModel, icp.Summary }
            .Concat(company.Products.SelectMany(p => new[] { p.Name, p.Description }))
            .Concat(company.Pricing).Concat(company.Customers)
            .Concat(market.Industries).Concat(market.ValuePropositions).Concat(market.Differentiators).Concat(market.Competitors)
            .Concat(icp.Industries).Concat(icp.CompanySizes).Concat(icp.Roles).Concat(icp.PainPoints).Concat(icp.UseCases).Concat(icp.Regions)
            .OfType<string>()
            .ToList();
    }
}
