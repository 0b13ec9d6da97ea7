using Onboarding.Worker.Crawling;

namespace Onboarding.UnitTests;

/// <summary>The reader keeps what the markup says: a price with its card's title, names in alt text, headings without anchors.</summary>
public sealed class ReaderTests
{
    private static ReadPage Read(string fixture, string path = "index.html") =>
        PageReader.Read(new Uri(FixtureSite.Host, "/" + Path.GetDirectoryName(path)?.Replace('\\', '/')), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture, path)));

    [Fact]
    public void A_price_split_across_elements_is_read_whole_with_its_card_title()
    {
        var page = Read("pricing-cards", "pricing/index.html").Page;

        Assert.Contains(new PriceBlock("Solo", "$0 / month"), page.Prices);
        Assert.Contains(new PriceBlock("Chambers", "$49 / month"), page.Prices);
        // A title in a styled span rather than a heading, and the period after the amount in a sibling.
        Assert.Contains(new PriceBlock("Firm", "€390 per month"), page.Prices);
        Assert.Contains(new PriceBlock("Enterprise", "Contact us"), page.Prices);
    }

    [Fact]
    public void Names_only_in_alt_text_are_read_as_a_group_under_their_heading()
    {
        var walls = Read("logo-wall").Page.LogoWalls;

        var trusted = Assert.Single(walls, w => w.Heading == "Trusted by");
        Assert.Equal(["Northwind Traders", "Bluefin Cargo", "Kestrel Imports", "Oakmoor"], trusted.Names);
        Assert.Contains(walls, w => w.Heading == "In the press" && w.Names.Contains("Cargo Daily"));
    }

    [Fact]
    public void Headings_lose_their_anchor_marks()
    {
        var page = Read("anchor-marks").Page;

        Assert.Contains("Spreadsheets that check themselves", page.Headings);
        Assert.Contains("Featured On", page.Headings);
        Assert.DoesNotContain(page.Headings, h => h.Contains('¶', StringComparison.Ordinal) || h.EndsWith('#'));
        Assert.DoesNotContain("¶", page.MainText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_footer_is_read_apart_from_the_main_text()
    {
        var page = Read("footer-address").Page;

        Assert.Contains("Halifax, NS B3J 1A1", page.Footer, StringComparison.Ordinal);
        Assert.DoesNotContain("Halifax", page.MainText, StringComparison.Ordinal);
    }
}
