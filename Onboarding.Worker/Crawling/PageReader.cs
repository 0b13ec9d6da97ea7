using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Onboarding.Worker.Crawling;

/// <summary>A link found on a page, with the text people click.</summary>
public sealed record PageLink(Uri Url, string Text);

/// <summary>A parsed page and the links it offers.</summary>
public sealed record ReadPage(CrawledPage Page, IReadOnlyList<PageLink> Links);

/// <summary>
/// Turns HTML into what the generators read, with a real HTML parser: title, descriptions, headings, the main
/// content's text (navigation, header, footer, scripts and forms left out) and the page's links. Everything is text.
/// </summary>
public static partial class PageReader
{
    public const int MaxMainTextLength = 20_000;

    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    private static readonly string[] Boilerplate = ["nav", "header", "footer", "aside", "script", "style", "noscript", "template", "svg", "form", "iframe", "button", "select", "dialog"];

    private static readonly string[] Blocks = ["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote", "pre", "figcaption", "div", "section", "article", "br"];

    private static readonly HashSet<string> NotPages = new(StringComparer.OrdinalIgnoreCase)
    {
        ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".zip", ".gz", ".tar", ".css", ".js", ".json", ".xml",
        ".mp4", ".mp3", ".mov", ".avi", ".woff", ".woff2", ".ttf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".dmg", ".exe",
    };

    public static ReadPage Read(Uri url, string html)
    {
        using var document = Parser.ParseDocument(html);
        var baseUrl = document.QuerySelector("base[href]")?.GetAttribute("href") is { } href && Uri.TryCreate(url, href, out var b) ? b : url;
        var links = Links(document, baseUrl, url);

        var main = MainContent(document);
        var (offers, addresses) = PageStructure.StructuredData(document);
        var page = new CrawledPage(
            Canonical(url),
            Clean(document.Title),
            Clean(Meta(document, "description") ?? Meta(document, "og:description")),
            Clean(Meta(document, "og:site_name") ?? Meta(document, "application-name")),
            document.QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => Heading(h.TextContent)).OfType<string>().Distinct().Take(80).ToList(),
            main is null ? "" : MainText(main),
            Clean(document.DocumentElement.GetAttribute("lang")))
        {
            Footer = PageStructure.Footer(document),
            Prices = main is null ? offers : [.. PageStructure.Prices(main), .. offers],
            LogoWalls = main is null ? [] : PageStructure.LogoWalls(main),
            ComparisonTables = main is null ? [] : PageStructure.ComparisonTables(main),
            Addresses = addresses,
        };
        return new ReadPage(page, links);
    }

    /// <summary>The URL without fragment, host lowercased, so one page has one address.</summary>
    public static Uri Canonical(Uri url) => new UriBuilder(url) { Fragment = "", Host = url.Host.ToLowerInvariant() }.Uri;

    /// <summary>The same site: the same host, counting <c>www.</c> and the bare name as one.</summary>
    public static bool SameSite(Uri a, Uri b) => Bare(a.Host).Equals(Bare(b.Host), StringComparison.OrdinalIgnoreCase);

    private static string Bare(string host) => host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : host;

    private static List<PageLink> Links(IDocument document, Uri baseUrl, Uri page)
    {
        var links = new List<PageLink>();
        var seen = new HashSet<Uri>();
        foreach (var anchor in document.QuerySelectorAll("a[href]"))
        {
            var href = anchor.GetAttribute("href")!.Trim();
            if (!Uri.TryCreate(baseUrl, href, out var target) || target.Scheme is not ("http" or "https") || !SameSite(target, page)
                || target.UserInfo.Length > 0 || NotPages.Contains(Path.GetExtension(target.AbsolutePath)))
            {
                continue;
            }

            target = Canonical(target);
            if (seen.Add(target))
            {
                links.Add(new PageLink(target, Clean(anchor.TextContent) ?? Clean(anchor.GetAttribute("aria-label")) ?? ""));
            }
        }

        return links;
    }

    /// <summary>A copy of the main content, navigation, header, footer, scripts and forms taken out.</summary>
    private static IElement? MainContent(IDocument document)
    {
        var root = document.QuerySelector("main") ?? document.QuerySelector("[role=main]") ?? SoleArticle(document) ?? document.Body;
        if (root is null)
        {
            return null;
        }

        var copy = (IElement)root.Clone(deep: true);
        foreach (var noise in copy.QuerySelectorAll(string.Join(", ", Boilerplate)).ToList())
        {
            noise.Remove();
        }

        // Heading anchors ("¶", "#", "🔗") are links to the heading itself, not its words.
        foreach (var heading in copy.QuerySelectorAll("h1, h2, h3, h4, h5, h6"))
        {
            foreach (var anchor in heading.QuerySelectorAll("a").Where(a => AnchorMark().IsMatch(a.TextContent) || a.TextContent.Trim().Length == 0).ToList())
            {
                anchor.Remove();
            }
        }

        return copy;
    }

    /// <summary>An article that is the page (most of its text), not one part of it such as a FAQ under the pricing tables.</summary>
    private static IElement? SoleArticle(IDocument document)
    {
        var articles = document.QuerySelectorAll("article");
        return articles.Length == 1 && document.Body is { } body && articles[0].TextContent.Length >= body.TextContent.Length * 0.6 ? articles[0] : null;
    }

    /// <summary>A heading's words without the anchor mark some generators append ("C++¶", "Featured On#").</summary>
    private static string? Heading(string? text) => Clean(AnchorMark().Replace(text ?? "", ""));

    private static string MainText(IElement copy)
    {
        var text = new StringBuilder();
        Append(copy, text);
        var collapsed = BlankLines().Replace(text.ToString(), "\n\n").Trim();
        return collapsed.Length <= MaxMainTextLength ? collapsed : collapsed[..MaxMainTextLength];
    }

    /// <summary>Text in document order; block elements start new paragraphs.</summary>
    private static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText t)
            {
                text.Append(Spaces().Replace(t.Data, " "));
            }
            else if (child is IElement element)
            {
                var block = Blocks.Contains(element.LocalName);
                if (block)
                {
                    text.Append("\n\n");
                }

                Append(element, text);
                if (block)
                {
                    text.Append("\n\n");
                }
            }
        }
    }

    private static string? Meta(IDocument document, string name) =>
        document.QuerySelectorAll("meta")
            .FirstOrDefault(m => string.Equals(m.GetAttribute("name") ?? m.GetAttribute("property"), name, StringComparison.OrdinalIgnoreCase))
            ?.GetAttribute("content");

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : Spaces().Replace(value, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s*(?:[¶#§]|🔗)+\s*$")]
    private static partial Regex AnchorMark();

    [GeneratedRegex(@"[ \t]*\n\s*\n\s*")]
    private static partial Regex BlankLines();
}
