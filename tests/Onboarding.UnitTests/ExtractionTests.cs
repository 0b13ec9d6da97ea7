using Onboarding.Data.Model;

namespace Onboarding.UnitTests;

/// <summary>The offline extractor reads meaning from structure, and leaves out what the page does not say.</summary>
public sealed class ExtractionTests
{
    [Fact]
    public async Task Pricing_cards_become_plans_with_their_prices()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("pricing-cards");

        var pricing = context.Company.Pricing;
        Assert.Contains("Chambers: $49 / month", pricing);
        Assert.Contains("Firm: €390 per month", pricing);
        Assert.Contains(pricing, p => p.StartsWith("Enterprise", StringComparison.Ordinal));
        Assert.Equal(FieldEvidence.Stated, context.Company.Evidence["pricing"].Basis);
    }

    [Fact]
    public async Task A_logo_wall_under_a_customer_heading_names_customers_and_the_press_is_not_one()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("logo-wall");

        Assert.Contains("Northwind Traders", context.Company.Customers);
        Assert.Contains("Oakmoor", context.Company.Customers);
        Assert.DoesNotContain("Cargo Daily", context.Company.Customers);
        Assert.Contains(context.Market.Differentiators, d => d.Contains("Cargo Daily", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Integrations_are_not_customers()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("integrations");

        Assert.Contains("Riverside Dental", context.Company.Customers);
        Assert.DoesNotContain("Zoom", context.Company.Customers);
        Assert.DoesNotContain("WebEx", context.Company.Customers);
        Assert.Contains(context.Market.Differentiators, d => d.StartsWith("Works with", StringComparison.Ordinal) && d.Contains("Zoom", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_comparison_table_names_the_competitors_in_its_columns()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("comparison-table");

        Assert.Contains("Tallybook", context.Market.Competitors);
        Assert.Contains("Sumwise", context.Market.Competitors);
        Assert.Contains("Penny Ledger", context.Market.Competitors);
        Assert.DoesNotContain(context.Market.Competitors, c => c.Contains("Ledgerfox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Protocol_and_system_acronyms_are_not_audiences_or_categories()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("protocol-acronyms");

        Assert.DoesNotContain("Small businesses", context.Icp.CompanySizes);
        Assert.NotEqual("CRM", context.Market.Category);
        Assert.DoesNotContain("Small businesses", context.Icp.Summary ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_team_page_bios_are_not_the_buyers()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("staff-bios");

        Assert.DoesNotContain("Sales teams", context.Icp.Roles);
        Assert.DoesNotContain("Finance teams", context.Icp.Roles);
        Assert.DoesNotContain("Marketers", context.Icp.Roles);
        Assert.DoesNotContain("Designers", context.Icp.Roles);
    }

    [Fact]
    public async Task A_discount_for_schools_is_not_a_target_industry()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("discount-faq");

        Assert.DoesNotContain("Education", context.Market.Industries);
        Assert.DoesNotContain("Education", context.Icp.Industries);
        Assert.DoesNotContain("Nonprofits", context.Market.Industries);
    }

    [Fact]
    public async Task The_headquarters_are_read_from_the_footer()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("footer-address");

        Assert.Equal("Halifax, NS", context.Company.Headquarters);
        Assert.Equal(FieldEvidence.Stated, context.Company.Evidence["headquarters"].Basis);
    }

    [Fact]
    public async Task A_tagline_carries_no_anchor_mark()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("anchor-marks");

        Assert.DoesNotContain("¶", context.Company.Tagline ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("#", context.Company.Tagline ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vocabulary_terms_are_inferred_and_the_site_s_own_words_stated()
    {
        var (_, context, _) = await FixtureSite.CrawlAsync("discount-faq");

        Assert.Equal(FieldEvidence.Inferred, context.Icp.Evidence["summary"].Basis);
        Assert.Equal(FieldEvidence.Stated, context.Company.Evidence["tagline"].Basis);
        Assert.All(context.Market.Evidence.Values, e => Assert.InRange(e.Confidence, 0, 1));
    }
}
