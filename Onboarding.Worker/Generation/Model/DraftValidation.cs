using System.Text.RegularExpressions;
using Onboarding.Data.Model;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Model;

/// <summary>
/// Turns a model's draft into a stored record, keeping only what is grounded and plain: every value must be backed by
/// crawled pages (the sources the model cited, when they are crawled URLs, else pages that contain the value word for
/// word), strings are plain text within length limits, and anything that looks like markup or a link is dropped.
/// </summary>
internal static partial class DraftValidation
{
    private const int MaxListItems = 8;
    private const int MaxItemLength = 200;

    public static CompanyContext? Company(CompanyDraft draft, SiteText site)
    {
        var fields = new Fields(draft.Sources, site);
        if (fields.CitesOnlyElsewhere)
        {
            return null;
        }

        var name = fields.Single("name", draft.Name, 120, requireVerbatimWithoutSources: true);
        if (name is null)
        {
            return null;
        }

        var products = new List<Offering>();
        foreach (var product in draft.Products ?? [])
        {
            var productName = Plain(product?.Name, 100);
            if (productName is null || products.Any(p => string.Equals(p.Name, productName, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            products.Add(new Offering(productName, Plain(product?.Description, 400)));
        }

        var keptProducts = fields.Items("products", products.Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);
        return new CompanyContext
        {
            Name = name,
            Website = site.Home.AbsoluteUri,
            Tagline = fields.Single("tagline", draft.Tagline, 200),
            Description = fields.Single("description", Sentences(draft.Description, 1200), 1200),
            Products = products.Where(p => keptProducts.Contains(p.Name)).Take(MaxListItems).ToList(),
            Pricing = fields.List("pricing", draft.Pricing),
            Customers = fields.List("customers", draft.Customers, requireVerbatimWithoutSources: true),
            Headquarters = fields.Single("headquarters", draft.Headquarters, 120),
            Sources = fields.Build(),
        } is var company ? company with
        {
            Evidence = FieldEvidenceRule.Judge(site, company.Sources, new Dictionary<string, IEnumerable<string?>>
            {
                ["name"] = [company.Name], ["tagline"] = [company.Tagline], ["description"] = [company.Description],
                ["products"] = company.Products.Select(p => p.Name), ["pricing"] = company.Pricing, ["customers"] = company.Customers,
                ["headquarters"] = [company.Headquarters],
            }),
        } : null;
    }

    public static MarketContext? Market(MarketDraft draft, SiteText site)
    {
        var fields = new Fields(draft.Sources, site);
        if (fields.CitesOnlyElsewhere)
        {
            return null;
        }

        var market = new MarketContext
        {
            Category = fields.Single("category", draft.Category, 120),
            Industries = fields.List("industries", draft.Industries),
            ValuePropositions = fields.List("valuePropositions", draft.ValuePropositions),
            Differentiators = fields.List("differentiators", draft.Differentiators),
            Competitors = fields.List("competitors", draft.Competitors, requireVerbatimWithoutSources: true),
            PricingModel = fields.Single("pricingModel", draft.PricingModel, 200),
            Sources = fields.Build(),
        };
        return market.Sources.Count == 0 ? null : market with
        {
            Evidence = FieldEvidenceRule.Judge(site, market.Sources, new Dictionary<string, IEnumerable<string?>>
            {
                ["category"] = [market.Category], ["industries"] = market.Industries, ["valuePropositions"] = market.ValuePropositions,
                ["differentiators"] = market.Differentiators, ["competitors"] = market.Competitors, ["pricingModel"] = [market.PricingModel],
            }),
        };
    }

    public static IdealCustomerProfile? Icp(IcpDraft draft, SiteText site)
    {
        var fields = new Fields(draft.Sources, site);
        if (fields.CitesOnlyElsewhere)
        {
            return null;
        }

        var icp = new IdealCustomerProfile
        {
            Summary = fields.Single("summary", Sentences(draft.Summary, 600), 600),
            Industries = fields.List("industries", draft.Industries),
            CompanySizes = fields.List("companySizes", draft.CompanySizes),
            Roles = fields.List("roles", draft.Roles),
            PainPoints = fields.List("painPoints", draft.PainPoints),
            UseCases = fields.List("useCases", draft.UseCases),
            Regions = fields.List("regions", draft.Regions),
            Sources = fields.Build(),
        };
        return icp.Sources.Count == 0 ? null : icp with
        {
            Evidence = FieldEvidenceRule.Judge(site, icp.Sources, new Dictionary<string, IEnumerable<string?>>
            {
                ["summary"] = [icp.Summary], ["industries"] = icp.Industries, ["companySizes"] = icp.CompanySizes, ["roles"] = icp.Roles,
                ["painPoints"] = icp.PainPoints, ["useCases"] = icp.UseCases, ["regions"] = icp.Regions,
            }),
        };
    }

    /// <summary>
    /// Plain text or nothing: cleaned of control characters and extra white space, and dropped when it carries markup
    /// (tags, Markdown links or images, script URLs) or is longer than <paramref name="maxLength"/>.
    /// </summary>
    public static string? Plain(string? value, int maxLength)
    {
        var text = Text.Clean(value);
        if (text.Length == 0 || text.Length > maxLength || Markup().IsMatch(text))
        {
            return null;
        }

        return text;
    }

    /// <summary>Whole sentences up to <paramref name="maxLength"/>, so a long answer is shortened rather than dropped.</summary>
    private static string? Sentences(string? value, int maxLength)
    {
        var text = Text.Clean(value);
        if (text.Length <= maxLength)
        {
            return text;
        }

        var kept = "";
        foreach (var sentence in Text.Sentences(text))
        {
            if (kept.Length + sentence.Length + 1 > maxLength)
            {
                break;
            }

            kept = kept.Length == 0 ? sentence : kept + " " + sentence;
        }

        return kept.Length == 0 ? null : kept;
    }

    /// <summary>Field-by-field grounding against the crawled pages, collecting the sources of what is kept.</summary>
    private sealed class Fields(IReadOnlyList<FieldSources>? cited, SiteText site)
    {
        private readonly Dictionary<string, IReadOnlyList<string>> _kept = new(StringComparer.Ordinal);

        /// <summary>
        /// The answer cites pages, none of them crawled: it was not read from this site (or was steered elsewhere),
        /// so none of it is trusted, not even values that happen to appear on the site.
        /// </summary>
        public bool CitesOnlyElsewhere =>
            (cited ?? []).Any(s => s?.Urls is { Count: > 0 })
            && !(cited ?? []).SelectMany(s => s?.Urls ?? []).Any(url => site.Pages.Any(p => SameUrl(p.Url, url)));

        public string? Single(string field, string? value, int maxLength, bool requireVerbatimWithoutSources = false)
        {
            var text = Plain(value, maxLength);
            if (text is null)
            {
                return null;
            }

            var urls = Cited(field);
            if (urls.Count == 0 && requireVerbatimWithoutSources)
            {
                urls = Verbatim(text);
            }

            if (urls.Count == 0)
            {
                return null;
            }

            _kept[field] = urls;
            return text;
        }

        public List<string> List(string field, IReadOnlyList<string?>? values, bool requireVerbatimWithoutSources = false) =>
            Items(field, (values ?? []).Select(v => Plain(v, MaxItemLength)).OfType<string>(), requireVerbatimWithoutSources);

        public List<string> Items(string field, IEnumerable<string> values, bool requireVerbatimWithoutSources = false)
        {
            var cited = Cited(field);
            var items = new List<string>();
            var urls = new List<string>(cited);
            foreach (var item in values)
            {
                if (items.Count == MaxListItems || items.Contains(item, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                // Names (customers, competitors) must appear on a page when the model cites nothing for them.
                var found = cited.Count == 0 || requireVerbatimWithoutSources && !cited.Any(url => site.Pages.First(p => p.Url == url).Contains(item))
                    ? Verbatim(item)
                    : cited;
                if (found.Count == 0)
                {
                    continue;
                }

                items.Add(item);
                urls.AddRange(found.Where(u => !urls.Contains(u)));
            }

            if (items.Count > 0)
            {
                _kept[field] = urls.Distinct().ToList();
            }

            return items;
        }

        public Dictionary<string, IReadOnlyList<string>> Build() => _kept;

        /// <summary>The crawled pages the model cited for a field; anything else it cited is dropped.</summary>
        private List<string> Cited(string field)
        {
            var key = FieldKey(field);
            return (cited ?? [])
                .Where(s => s is not null && FieldKey(s.Field ?? "") == key)
                .SelectMany(s => s.Urls ?? [])
                .Select(url => site.Pages.FirstOrDefault(p => SameUrl(p.Url, url))?.Url)
                .OfType<string>()
                .Distinct()
                .ToList();
        }

        private List<string> Verbatim(string value) =>
            value.Length > 120 ? [] : site.Pages.Where(p => p.Contains(value)).Select(p => p.Url).ToList();

        private static string FieldKey(string field) => new(field.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

        private static bool SameUrl(string crawled, string? cited)
        {
            if (cited is null || !Uri.TryCreate(cited.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return false;
            }

            var page = new Uri(crawled);
            return string.Equals(page.Host, uri.Host, StringComparison.OrdinalIgnoreCase)
                && string.Equals(page.AbsolutePath.TrimEnd('/'), uri.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal)
                && string.Equals(page.Query, uri.Query, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"</?[A-Za-z!][^<>]*>|!?\[[^\]]*\]\([^)]*\)|\b(?:javascript|data|vbscript):|\{\{|\}\}|^#{1,6}\s|\*\*", RegexOptions.IgnoreCase)]
    private static partial Regex Markup();
}
