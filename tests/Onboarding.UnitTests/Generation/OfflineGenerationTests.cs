using Onboarding.Testing;
using Onboarding.Data.Model;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Generation;
using Onboarding.Worker.Generation.Offline;

namespace Onboarding.UnitTests.Generation;

/// <summary>
/// The offline extractor on real companies' pages (<c>Sites/*.site</c>): two developer-tool SaaS (Plausible Analytics,
/// Linear), a B2B fintech (Ramp) and a foodservice distributor (Sysco). Each result must read as a fair description of the
/// company, its market and its customers, cite only crawled pages, and say nothing the pages do not.
/// </summary>
public sealed class OfflineGenerationTests
{
    public static TheoryData<string> Companies => new() { "plausible", "linear", "ramp", "sysco" };

    [Fact]
    public void PlausibleIsDescribedAsThePrivacyFriendlyAnalyticsToolItIs()
    {
        var site = SiteFixtures.Load("plausible");

        var (company, market, icp) = Generate(site);

        // The company: name from the titles (no og:site_name), what it does, its products and plans.
        Assert.Equal("Plausible Analytics", company.Name);
        Assert.Equal("https://plausible.io/", company.Website);
        Assert.Equal("Easy to use and privacy-friendly Google Analytics alternative", company.Tagline);
        Assert.Contains("open source web analytics", company.Description, StringComparison.Ordinal);
        Assert.Contains("privacy", company.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Superset(
            new HashSet<string> { "Plausible Community Edition", "Goals and custom events", "Funnels", "Stats API" },
            company.Products.Select(p => p.Name).ToHashSet());
        Assert.Equal(
            "Plausible Community Edition is free, open source web analytics you host on your own server.",
            company.Products.Single(p => p.Name == "Plausible Community Edition").Description);
        Assert.Equal(
            ["Starter: $9/month", "Growth: $14/month", "Business: $19/month", "Enterprise: custom pricing (contact sales)"],
            company.Pricing.Take(4));
        Assert.Contains("30-day free trial", company.Pricing);
        Assert.Equal("Tartu, Estonia", company.Headquarters);
        // "Works with WordPress, Ghost, Shopify …" names integrations, not customers; the site names no customer.
        Assert.Empty(company.Customers);

        // The market: its category, the one competitor its comparison page names, how it charges.
        Assert.Equal("Web analytics", market.Category);
        Assert.Equal(["Google Analytics"], market.Competitors);
        Assert.Contains(market.Differentiators, d => d.StartsWith("Unlike Google Analytics", StringComparison.Ordinal));
        Assert.Contains(market.Differentiators, d => d.Contains("75 times", StringComparison.Ordinal));
        Assert.NotEmpty(market.ValuePropositions);
        Assert.StartsWith("Subscription, usage-based", market.PricingModel, StringComparison.Ordinal);
        Assert.Contains("free trial", market.PricingModel, StringComparison.Ordinal);
        Assert.Contains("contact sales", market.PricingModel, StringComparison.Ordinal);

        // The customers it addresses, and what bothers them.
        Assert.Superset(new HashSet<string> { "Website owners", "Marketers", "Developers" }, icp.Roles.ToHashSet());
        Assert.Superset(new HashSet<string> { "Startups", "Enterprises" }, icp.CompanySizes.ToHashSet());
        Assert.Contains(icp.PainPoints, p => p.Contains("cookie banners", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(icp.UseCases, u => u.StartsWith("Understand their traffic", StringComparison.Ordinal));
        Assert.StartsWith("Website owners", icp.Summary, StringComparison.Ordinal);
        // "Made and hosted in the EU" is where the data lives, not where the customers are.
        Assert.Empty(icp.Regions);
    }

    [Fact]
    public void RampIsDescribedAsTheFinanceOperationsPlatformItIs()
    {
        var site = SiteFixtures.Load("ramp");

        var (company, market, icp) = Generate(site);

        Assert.Equal("Ramp", company.Name);
        Assert.Equal("Time is money. Save both.", company.Tagline);
        Assert.StartsWith("Ramp is the financial operations platform designed to save businesses time and money.", company.Description, StringComparison.Ordinal);
        var products = company.Products.Select(p => p.Name).ToList();
        Assert.Superset(
            new HashSet<string> { "Corporate cards", "Expense management", "Bill payments", "Procurement", "Travel", "Accounting automation" },
            products.ToHashSet());
        // Audience sections and plans are not products.
        Assert.DoesNotContain("Startups", products);
        Assert.DoesNotContain("Enterprise", products);
        Assert.DoesNotContain("Ramp Plus", products);
        Assert.Equal(["Ramp: $0/month", "Ramp Plus: $15 per user/month", "Enterprise: custom pricing (contact sales)"], company.Pricing);
        Assert.Superset(new HashSet<string> { "Shopify", "Anduril", "Eventbrite", "Barry's", "Zola" }, company.Customers.ToHashSet());
        // Integrations and the card's issuing banks are not customers.
        Assert.DoesNotContain("NetSuite", company.Customers);
        Assert.DoesNotContain(company.Customers, c => c.Contains("Bank", StringComparison.Ordinal));
        Assert.Equal("New York City", company.Headquarters);

        Assert.Equal("Financial operations platform", market.Category);
        // "Unlike traditional corporate cards" names nobody: no competitor is invented.
        Assert.Empty(market.Competitors);
        Assert.Contains(market.Differentiators, d => d.StartsWith("Unlike traditional corporate cards", StringComparison.Ordinal));
        Assert.Equal("Subscription, per seat, free tier, free trial, custom pricing (contact sales)", market.PricingModel);

        Assert.Superset(new HashSet<string> { "Finance teams", "Controllers" }, icp.Roles.ToHashSet());
        Assert.Superset(new HashSet<string> { "Startups", "Mid-market companies", "Enterprises" }, icp.CompanySizes.ToHashSet());
        Assert.Contains(icp.PainPoints, p => p.Contains("chasing receipts", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(icp.PainPoints, p => p.StartsWith("Manual expense reports", StringComparison.Ordinal));
        Assert.Contains(icp.UseCases, u => u == "Close their books faster");
        Assert.Equal(
            "Finance teams, controllers and VPs of finance at startups, mid-market companies and enterprises. They want to control spend and close their books faster.",
            icp.Summary);
        // "from family-owned farms to space startups" shows breadth; it does not make agriculture a target industry.
        Assert.DoesNotContain("Agriculture", icp.Industries);
        Assert.Empty(icp.Regions);
    }

    [Fact]
    public void SyscoIsDescribedAsTheFoodserviceDistributorItIs()
    {
        var site = SiteFixtures.Load("sysco");

        var (company, market, icp) = Generate(site);

        Assert.Equal("Sysco", company.Name);
        Assert.Equal("Your partner in foodservice", company.Tagline);
        Assert.StartsWith("Sysco is the global leader in foodservice distribution.", company.Description, StringComparison.Ordinal);
        Assert.Superset(
            new HashSet<string> { "Fresh produce", "Meat and seafood", "Kitchen equipment and supplies", "Sysco Shop" },
            company.Products.Select(p => p.Name).ToHashSet());
        Assert.Equal("Sysco Shop is our online ordering platform.", company.Products.Single(p => p.Name == "Sysco Shop").Description);
        Assert.Equal("Houston, Texas", company.Headquarters);
        // No pricing page, no named customers: nothing is made up.
        Assert.Empty(company.Pricing);
        Assert.Empty(company.Customers);

        Assert.Equal("Foodservice distribution", market.Category);
        Assert.Superset(new HashSet<string> { "Restaurants", "Healthcare", "Education", "Hospitality" }, market.Industries.ToHashSet());
        Assert.Empty(market.Competitors);
        Assert.Null(market.PricingModel);

        Assert.Superset(new HashSet<string> { "Restaurants", "Healthcare", "Education", "Hospitality" }, icp.Industries.ToHashSet());
        Assert.Superset(new HashSet<string> { "Restaurant owners and operators", "Chefs" }, icp.Roles.ToHashSet());
        Assert.Superset(new HashSet<string> { "Independent businesses", "Chains" }, icp.CompanySizes.ToHashSet());
        Assert.Superset(new HashSet<string> { "Global", "United States", "Canada" }, icp.Regions.ToHashSet());
        Assert.Contains(icp.PainPoints, p => p.StartsWith("Food costs keep rising", StringComparison.Ordinal));
        Assert.Superset(new HashSet<string> { "Plan menus", "Control food costs" }, icp.UseCases.ToHashSet());
        Assert.StartsWith("Restaurant owners and operators and chefs at independent businesses and chains in restaurants", icp.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void LinearIsDescribedAsTheProductDevelopmentToolItIs()
    {
        var site = SiteFixtures.Load("linear");

        var (company, market, icp) = Generate(site);

        Assert.Equal("Linear", company.Name);
        Assert.Equal("Linear is a purpose-built tool for planning and building products", company.Tagline);
        Assert.StartsWith("Linear is a purpose-built tool for planning and building products.", company.Description, StringComparison.Ordinal);
        Assert.Superset(new HashSet<string> { "Issues", "Projects", "Cycles", "Roadmaps", "Triage" }, company.Products.Select(p => p.Name).ToHashSet());
        Assert.Equal(["Free: $0", "Basic: $10 per user/month", "Business: $16 per user/month", "Enterprise: custom pricing (contact sales)"], company.Pricing);
        // From the case studies and the logo wall under "Powering the world's best product teams".
        Assert.Superset(new HashSet<string> { "Vercel", "Mercury", "Retool", "Cash App", "OpenAI" }, company.Customers.ToHashSet());
        // Former employers, investors and integrations are not customers; a remote company names no headquarters.
        Assert.Empty(company.Customers.Intersect(["Airbnb", "Coinbase", "Uber", "Accel", "Sequoia Capital", "GitHub", "Slack"]));
        Assert.Null(company.Headquarters);

        Assert.Equal("Product development system", market.Category);
        // "moved from Jira to Linear" on a customer story.
        Assert.Equal(["Jira"], market.Competitors);
        Assert.Equal("Subscription, per seat, free tier, custom pricing (contact sales)", market.PricingModel);
        Assert.Contains(market.Differentiators, d => d.StartsWith("Unlike other tools", StringComparison.Ordinal));

        Assert.Superset(new HashSet<string> { "Product teams", "Developers" }, icp.Roles.ToHashSet());
        Assert.Superset(new HashSet<string> { "Startups", "Enterprises" }, icp.CompanySizes.ToHashSet());
        Assert.Contains(icp.PainPoints, p => p.Contains("slow and bloated tools", StringComparison.Ordinal));
        // "team members across North America and Europe" is where Linear works, not where its customers are.
        Assert.Empty(icp.Regions);
        // A customer story about a bank does not put Linear in banking.
        Assert.Empty(market.Industries);
    }

    [Theory]
    [MemberData(nameof(Companies))]
    public void EverySourceIsACrawledPageAndEveryFilledFieldHasOne(string fixture)
    {
        var site = SiteFixtures.Load(fixture);
        var crawled = site.Pages.Select(p => p.Url.AbsoluteUri).ToHashSet(StringComparer.Ordinal);

        var (company, market, icp) = Generate(site);

        var records = new (IReadOnlyDictionary<string, IReadOnlyList<string>> Sources, Dictionary<string, bool> Filled)[]
        {
            (company.Sources, new()
            {
                ["name"] = true, ["tagline"] = company.Tagline is not null, ["description"] = company.Description is not null,
                ["products"] = company.Products.Count > 0, ["pricing"] = company.Pricing.Count > 0, ["customers"] = company.Customers.Count > 0,
                ["headquarters"] = company.Headquarters is not null,
            }),
            (market.Sources, new()
            {
                ["category"] = market.Category is not null, ["industries"] = market.Industries.Count > 0,
                ["valuePropositions"] = market.ValuePropositions.Count > 0, ["differentiators"] = market.Differentiators.Count > 0,
                ["competitors"] = market.Competitors.Count > 0, ["pricingModel"] = market.PricingModel is not null,
            }),
            (icp.Sources, new()
            {
                ["summary"] = icp.Summary is not null, ["industries"] = icp.Industries.Count > 0, ["companySizes"] = icp.CompanySizes.Count > 0,
                ["roles"] = icp.Roles.Count > 0, ["painPoints"] = icp.PainPoints.Count > 0, ["useCases"] = icp.UseCases.Count > 0,
                ["regions"] = icp.Regions.Count > 0,
            }),
        };
        foreach (var (sources, filled) in records)
        {
            Assert.All(sources.Values.SelectMany(urls => urls), url => Assert.Contains(url, crawled));
            Assert.All(sources.Values, urls => Assert.NotEmpty(urls));
            // Exactly the filled fields have sources.
            Assert.Equal(filled.Where(f => f.Value).Select(f => f.Key).Order(), sources.Keys.Order());
        }
    }

    [Theory]
    [MemberData(nameof(Companies))]
    public void ListsAreShortDistinctAndFreeOfBoilerplate(string fixture)
    {
        var (company, market, icp) = Generate(SiteFixtures.Load(fixture));

        var lists = new IReadOnlyList<string>[]
        {
            company.Products.Select(p => p.Name).ToList(), company.Pricing, company.Customers, market.Industries, market.ValuePropositions,
            market.Differentiators, market.Competitors, icp.Industries, icp.CompanySizes, icp.Roles, icp.PainPoints, icp.UseCases, icp.Regions,
        };
        Assert.All(lists, list =>
        {
            Assert.InRange(list.Count, 0, 10);
            Assert.Equal(list.Count, list.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        });

        var strings = lists.SelectMany(l => l)
            .Concat(company.Products.Select(p => p.Description).OfType<string>())
            .Concat(new[] { company.Name, company.Tagline, company.Description, company.Headquarters, market.Category, market.PricingModel, icp.Summary }.OfType<string>())
            .ToList();
        Assert.All(strings, s =>
        {
            Assert.Equal(s.Trim(), s);
            Assert.DoesNotContain('\n', s);
            Assert.DoesNotContain("cookies on your device", s, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Accept all", s, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("All rights reserved", s, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("©", s, StringComparison.Ordinal);
            Assert.DoesNotContain("Skip to content", s, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Sign in Get started", s, StringComparison.OrdinalIgnoreCase);
        });
        Assert.InRange(company.Description?.Length ?? 0, 1, 800);
    }

    [Theory]
    [MemberData(nameof(Companies))]
    public async Task TheGeneratorWithoutAModelGivesTheOfflineResultSameEveryTime(string fixture)
    {
        var site = SiteFixtures.Load(fixture);
        var generator = new ContextGenerator(Microsoft.Extensions.Logging.Abstractions.NullLogger<ContextGenerator>.Instance);

        var first = await generator.GenerateAsync(site, TestContext.Current.CancellationToken);
        var second = await generator.GenerateAsync(site, TestContext.Current.CancellationToken);

        Assert.Equal((GeneratorKind.Offline, GeneratorKind.Offline, GeneratorKind.Offline), (first.CompanyBy, first.MarketBy, first.IcpBy));
        Assert.Equal(SiteFixtures.Json(OfflineContextExtractor.Extract(site)), SiteFixtures.Json(first));
        Assert.Equal(SiteFixtures.Json(first), SiteFixtures.Json(second));
    }

    internal static (CompanyContext Company, MarketContext Market, IdealCustomerProfile Icp) Generate(CrawledSite site)
    {
        var result = OfflineContextExtractor.Extract(site);
        return (result.Company, result.Market, result.Icp);
    }
}
