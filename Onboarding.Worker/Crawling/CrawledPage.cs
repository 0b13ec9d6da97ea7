namespace Onboarding.Worker.Crawling;

/// <summary>One fetched HTML page of the company's site, reduced to what the generators read. Every string is plain text.</summary>
/// <param name="Url">The page's final URL (after redirects), without fragment.</param>
/// <param name="Title">The <c>&lt;title&gt;</c>, trimmed.</param>
/// <param name="Description">The meta description, else <c>og:description</c>.</param>
/// <param name="SiteName"><c>og:site_name</c>, else <c>application-name</c>.</param>
/// <param name="Headings">h1–h6 texts in document order, anchor marks ("¶", "#") left off.</param>
/// <param name="MainText">The main content's text (navigation, header, footer, scripts and styles left out), blocks separated by blank lines, capped in length.</param>
/// <param name="Language">The <c>lang</c> of the <c>html</c> element.</param>
public sealed record CrawledPage(
    Uri Url,
    string? Title,
    string? Description,
    string? SiteName,
    IReadOnlyList<string> Headings,
    string MainText,
    string? Language)
{
    /// <summary>The footer's text, read apart from the main text: addresses, legal entities and copyright lines live there.</summary>
    public string Footer { get; init; } = "";

    /// <summary>Prices with the title of the card or row they stand in, then the page's schema.org offers.</summary>
    public IReadOnlyList<PriceBlock> Prices { get; init; } = [];

    /// <summary>Logo walls: names found only in images' <c>alt</c>, with the heading over them.</summary>
    public IReadOnlyList<NamedGroup> LogoWalls { get; init; } = [];

    /// <summary>Comparison tables: the products each compares, from its header row.</summary>
    public IReadOnlyList<NamedGroup> ComparisonTables { get; init; } = [];

    /// <summary>Postal addresses from the page's schema.org data ("Sarasota, FL, USA").</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];
}

/// <summary>What a crawl of a site produced: the home page first, then the other pages in the order they were chosen.</summary>
public sealed record CrawledSite(Uri Home, IReadOnlyList<CrawledPage> Pages);
