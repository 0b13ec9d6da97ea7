using System.Text.RegularExpressions;
using Onboarding.Worker.Crawling;

namespace Onboarding.Worker.Generation.Reading;

/// <summary>
/// A crawled site prepared for reading, by the offline extractor and the model's pages document alike: each page
/// cleaned and typed, blocks that repeat across most pages (menus, footers) dropped, and the home page first.
/// </summary>
internal sealed partial class SiteText
{
    /// <summary>Text read from one page at most; the crawler caps pages too, this only bounds the work.</summary>
    public const int MaxCharactersPerPage = 100_000;

    private static readonly HashSet<string> NavigationWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "home", "product", "products", "features", "pricing", "plans", "docs", "documentation", "blog", "login", "log", "sign", "signin",
        "signup", "in", "up", "start", "get", "started", "free", "trial", "demo", "book", "a", "solutions", "customers", "customer",
        "resources", "about", "company", "careers", "jobs", "contact", "us", "support", "help", "investors", "press", "news", "partners",
        "integrations", "developers", "api", "community", "enterprise", "security", "menu", "search", "platform", "why", "use", "cases",
        "stories", "learn", "more", "sales", "talk", "to",
    };

    private static readonly HashSet<string> ChromeLines = new(StringComparer.OrdinalIgnoreCase)
    {
        "skip to content", "skip to main content", "skip to navigation", "menu", "close", "close menu", "open menu", "search", "toggle navigation",
        "back to top", "scroll to top", "loading", "loading…", "loading...",
    };

    private SiteText(Uri home, IReadOnlyList<PageText> pages)
    {
        Home = home;
        Pages = pages;
        DomainLabel = DomainLabelOf(home);
    }

    public Uri Home { get; }

    /// <summary>Home page first, then the others in crawl order.</summary>
    public IReadOnlyList<PageText> Pages { get; }

    /// <summary>The registrable name of the host: "plausible" for www.plausible.io, "acme-corp" for app.acme-corp.co.uk.</summary>
    public string DomainLabel { get; }

    public PageText? HomePage => Pages.FirstOrDefault(p => p.IsHome);

    public IEnumerable<PageText> OfKind(params PageKind[] kinds) => Pages.Where(p => kinds.Contains(p.Kind));

    public static SiteText From(CrawledSite site)
    {
        var crawled = site.Pages.Where(p => p is not null).ToList();
        // The home page leads even if the crawl listed it later.
        var homeIndex = crawled.FindIndex(p => SameAddress(p.Url, site.Home));
        if (homeIndex > 0)
        {
            var home = crawled[homeIndex];
            crawled.RemoveAt(homeIndex);
            crawled.Insert(0, home);
        }

        var blocks = crawled.Select(p => Blocks(p.MainText)).ToList();
        var repeated = RepeatedBlocks(blocks);

        var pages = new List<PageText>(crawled.Count);
        for (var i = 0; i < crawled.Count; i++)
        {
            var page = crawled[i];
            var headings = (page.Headings ?? []).Select(Text.Clean).Where(h => h.Length is > 0 and <= 300).ToList();
            pages.Add(new PageText
            {
                Page = page,
                Url = page.Url.AbsoluteUri,
                Order = i,
                // The crawl lists the home page first (even when it redirected to another address).
                Kind = i == 0 ? PageKind.Home : KindOf(page),
                Title = NullIfEmpty(Text.Clean(page.Title)),
                Description = NullIfEmpty(Text.Clean(page.Description)),
                SiteName = NullIfEmpty(Text.Clean(page.SiteName)),
                Headings = headings,
                Lines = Lines(blocks[i], repeated, headings),
            });
        }

        return new SiteText(site.Home, pages);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static bool SameAddress(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.AbsolutePath.TrimEnd('/'), b.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>The main text's blocks (separated by blank lines), each as its trimmed, non-empty raw lines.</summary>
    private static List<List<string>> Blocks(string? mainText)
    {
        var text = mainText ?? "";
        if (text.Length > MaxCharactersPerPage)
        {
            text = text[..MaxCharactersPerPage];
        }

        var blocks = new List<List<string>>();
        var current = new List<string>();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                if (current.Count > 0)
                {
                    blocks.Add(current);
                    current = [];
                }

                continue;
            }

            current.Add(line);
        }

        if (current.Count > 0)
        {
            blocks.Add(current);
        }

        return blocks;
    }

    /// <summary>Blocks found on at least three pages and on half of them: menus and footers the crawler let through.</summary>
    private static HashSet<string> RepeatedBlocks(List<List<List<string>>> pages)
    {
        if (pages.Count < 3)
        {
            return [];
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            foreach (var key in page.Select(b => Text.Key(string.Join(' ', b))).Where(k => k.Length > 0).Distinct())
            {
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        var threshold = Math.Max(3, (pages.Count + 1) / 2);
        return counts.Where(c => c.Value >= threshold).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
    }

    private static List<TextLine> Lines(List<List<string>> blocks, HashSet<string> repeated, List<string> headings)
    {
        var headingKeys = headings.Select(Text.Key).ToHashSet(StringComparer.Ordinal);
        var lines = new List<TextLine>();
        foreach (var block in blocks)
        {
            var joined = string.Join(' ', block);
            if (IsCookieNotice(joined) || repeated.Contains(Text.Key(joined)))
            {
                continue;
            }

            foreach (var raw in block)
            {
                if (IsChrome(raw))
                {
                    continue;
                }

                var line = Text.Clean(raw);
                if (line.Length == 0 || IsNavigation(line))
                {
                    continue;
                }

                var kind = headingKeys.Contains(Text.Key(line)) ? LineKind.Heading
                    : IsProse(line) ? LineKind.Prose
                    : LineKind.Short;
                lines.Add(new TextLine(line, kind, lines.Count));
            }
        }

        return lines;
    }

    private static bool IsProse(string line)
    {
        var words = Text.WordCount(line);
        return words >= 7 || words >= 3 && Text.EndsSentence(line);
    }

    /// <summary>A consent banner: short, about cookies, and asking to accept or configure them (prose that mentions cookies is kept).</summary>
    private static bool IsCookieNotice(string block) =>
        block.Length < 1000 && block.Contains("cookie", StringComparison.OrdinalIgnoreCase) && CookieConsent().IsMatch(block);

    /// <summary>Copyright lines, legal link rows and the site's own controls.</summary>
    private static bool IsChrome(string line) =>
        line.StartsWith('©') || CopyrightLine().IsMatch(line) || ChromeLines.Contains(line.TrimEnd('.', '…'));

    /// <summary>
    /// A menu flattened into one line: several title-case words, no punctuation, some of them menu words ("Products
    /// Pricing Docs Blog Login"). A list of customer names has no menu words and is kept.
    /// </summary>
    private static bool IsNavigation(string line)
    {
        if (line.IndexOfAny(['.', ',', '!', '?', ':', ';', '"', '“']) >= 0)
        {
            return false;
        }

        var words = Text.Words(line);
        if (words.Count < 4)
        {
            return false;
        }

        var capitalized = words.Count(w => char.IsUpper(w[0]));
        var menuWords = words.Count(NavigationWords.Contains);
        return capitalized >= words.Count * 0.6 && menuWords >= Math.Max(2, words.Count * 0.3);
    }

    private static PageKind KindOf(CrawledPage page)
    {
        var path = Uri.UnescapeDataString(page.Url.AbsolutePath).ToLowerInvariant();
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // The last segment is the most specific ("/company/careers" is a careers page), the whole path the fallback.
        var kind = segments.Length == 0 ? PageKind.Other : KindOfWords(segments[^1]);
        if (kind == PageKind.Other)
        {
            kind = KindOfWords(path);
        }

        if (kind != PageKind.Other)
        {
            return kind;
        }

        // Some sites name pages only in their titles ("Pricing | Acme").
        var title = page.Title?.ToLowerInvariant() ?? "";
        return title.StartsWith("pricing", StringComparison.Ordinal) ? PageKind.Pricing
            : title.StartsWith("about", StringComparison.Ordinal) ? PageKind.About
            : title.StartsWith("customer", StringComparison.Ordinal) ? PageKind.Customers
            : PageKind.Other;
    }

    private static PageKind KindOfWords(string path)
    {
        var words = PathWord().Matches(path).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        bool Any(params string[] candidates) => words.Overlaps(candidates);

        return Any("privacy", "terms", "legal", "cookie", "cookies", "gdpr", "dpa", "impressum", "imprint", "datenschutz", "agb") ? PageKind.Legal
            : Any("vs", "versus", "compare", "comparison", "alternative", "alternatives") ? PageKind.Compare
            : Any("pricing", "plans", "price", "prices", "preise", "tarife", "precios", "tarifs", "prix") ? PageKind.Pricing
            : Any("customers", "case", "studies", "stories", "testimonials", "references", "showcase", "kunden") ? PageKind.Customers
            : Any("careers", "jobs", "hiring", "karriere") ? PageKind.Careers
            : Any("docs", "doc", "documentation", "guides", "guide", "reference", "manual", "kb", "knowledge") ? PageKind.Docs
            : Any("blog", "news", "press", "articles", "posts", "newsroom", "changelog") ? PageKind.Blog
            : Any("about", "company", "story", "mission", "team", "ueber", "uber", "unternehmen") || path.Contains("who-we-are", StringComparison.Ordinal) ? PageKind.About
            : Any("industries", "industry", "solutions", "serve", "segments", "audiences") || path.Contains("/for-", StringComparison.Ordinal) ? PageKind.Audience
            : Any("product", "products", "features", "feature", "platform", "services", "service", "offerings", "tour", "leistungen", "produkte")
              || path.Contains("how-it-works", StringComparison.Ordinal) ? PageKind.Product
            : Any("contact", "locations", "kontakt") ? PageKind.Contact
            : PageKind.Other;
    }

    private static string DomainLabelOf(Uri home)
    {
        var labels = home.Host.ToLowerInvariant().Split('.', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (labels.Count > 2 && labels[0] is "www" or "www2" or "app" or "en" or "web" or "home" or "de" or "fr" or "es")
        {
            labels.RemoveAt(0);
        }

        // Drop the public suffix: one label ("io"), or two when the second-level is a generic one ("co.uk", "com.au").
        if (labels.Count >= 3 && labels[^2] is "co" or "com" or "org" or "net" or "ac" or "gov" or "ltd" or "plc")
        {
            return labels[^3];
        }

        return labels.Count >= 2 ? labels[^2] : labels.FirstOrDefault() ?? "";
    }

    [GeneratedRegex(@"\bwe use cookies\b|\b(?:web)?site uses cookies\b|\buse of cookies\b|\bstoring of cookies\b|\baccept (?:all|cookies)\b|\breject all\b|\bcookie (?:settings|preferences)\b|\bmanage (?:cookie )?preferences\b|\bby clicking\b|\bby continuing to (?:use|browse)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CookieConsent();

    [GeneratedRegex(@"^(?:copyright\b|\(c\)\s*\d{4})|all rights reserved|^(?:privacy(?: policy)?|terms(?: of (?:service|use))?|imprint|impressum|sitemap|cookie (?:policy|settings))(?:\s+(?:privacy(?: policy)?|terms(?: of (?:service|use))?|imprint|data policy|sitemap|cookies?(?: policy| settings)?|legal))*$", RegexOptions.IgnoreCase)]
    private static partial Regex CopyrightLine();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex PathWord();
}
