using System.Text.RegularExpressions;
using Onboarding.Data.Model;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>The market context from the pages alone: category, industries, value, differentiation, competition, pricing model.</summary>
internal static partial class MarketExtraction
{
    private const int MaxItems = 6;

    private static readonly MentionWeights IndustryWeights = new(Target: 3, Heading: 2, Plain: 1);

    public static MarketContext Extract(SiteText site)
    {
        var sources = new SourceMap();
        var name = CompanyNames.Of(site).Value;
        var brand = Text.Words(name).FirstOrDefault() ?? name;

        var category = Category(site, name, brand);
        if (category is not null)
        {
            sources.Add("category", [category.Value.Page]);
        }

        var industries = Mentions.Collect(site, Vocabulary.Industries, IndustryWeights).Top(MaxItems, minimum: 2, distinct: false);
        sources.Add("industries", industries);

        var differentiators = Differentiators(site, name, brand);
        sources.Add("differentiators", differentiators);

        // The press that covered it and the sponsors that fund it set it apart as well.
        var recognition = SocialProof.Recognition(site);
        sources.Add("differentiators", recognition.Select(r => r.Page));

        var valuePropositions = ValuePropositions(site, brand, differentiators);
        sources.Add("valuePropositions", valuePropositions);

        var competitors = Competitors.Named(site, name, brand, MaxItems);
        sources.Add("competitors", competitors);

        var (pricingModel, pricingPages) = Pricing.Model(site, Pricing.Plans(site));
        sources.Add("pricingModel", pricingPages);

        return new MarketContext
        {
            Category = category?.Text,
            Industries = industries.Select(c => c.Value).ToList(),
            ValuePropositions = valuePropositions.Select(c => c.Value).ToList(),
            Differentiators = [.. differentiators.Select(c => c.Value), .. recognition.Select(r => r.Text)],
            Competitors = competitors.Select(c => c.Value).ToList(),
            PricingModel = pricingModel,
            Sources = sources.Build(),
            Evidence = sources.Evidence(new Dictionary<string, IEnumerable<string?>>
            {
                ["category"] = [category?.Text],
                ["industries"] = industries.Select(c => c.Value),
                ["valuePropositions"] = valuePropositions.Select(c => c.Value),
                ["differentiators"] = [.. differentiators.Select(c => c.Value), .. recognition.Select(r => r.Text)],
                ["competitors"] = competitors.Select(c => c.Value),
                ["pricingModel"] = [pricingModel],
            }),
        };
    }

    /// <summary>
    /// What the company says it is ("Ramp is the financial operations platform …" → "Financial operations platform"),
    /// else the category its pages name most often from the curated list, else the title's tagline when it names a kind
    /// of thing ("Wholesale Restaurant Food Distributor").
    /// </summary>
    private static (string Text, PageText Page)? Category(SiteText site, string name, string brand)
    {
        var pages = site.Pages.Where(p => p.Kind is PageKind.Home or PageKind.About).ToList();
        foreach (var page in pages)
        {
            foreach (var sentence in Text.Sentences(page.Description ?? "").Concat(page.Sentences().Take(15)))
            {
                foreach (Match match in SelfDescription().Matches(sentence))
                {
                    var subject = sentence[..match.Index].TrimEnd();
                    if (!(subject.EndsWith(name, StringComparison.OrdinalIgnoreCase) || subject.EndsWith(brand, StringComparison.Ordinal)
                        || Text.Key(subject).EndsWith(Text.Key(name), StringComparison.Ordinal)
                        || subject is "We" or "It" || subject.EndsWith(" we", StringComparison.OrdinalIgnoreCase)))
                    {
                        continue;
                    }

                    if (CategoryPhrase(match.Groups["category"].Value) is { } category)
                    {
                        return (category, page);
                    }
                }
            }
        }

        // The home page's title names the kind of thing beside the name: "Git-based CMS for Hugo … | Forestry.io".
        if (site.HomePage is { } titled && TitleCategory(titled, name) is { } fromTitle)
        {
            return (fromTitle, titled);
        }

        var counted = new Evidence();
        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            var texts = page.TitleSegments.Select(t => (Text: t, Weight: 3.0))
                .Append((Text: page.Description ?? "", Weight: 2.0))
                .Concat(page.Lines.Where(l => l.Kind != LineKind.Short).Select(l => (l.Text, Weight: l.Kind == LineKind.Heading ? 2.0 : 1.0)));
            foreach (var (text, weight) in texts)
            {
                foreach (var term in Vocabulary.Categories)
                {
                    // An acronym in running text is often one of a list of systems ("CRM, ATS, ERP"), not the category.
                    var count = term.Pattern.Matches(text).Count(m => weight >= 3 || !Text.IsAcronym(m.Value));
                    if (count > 0)
                    {
                        counted.Add(term.Display, weight * count, page);
                    }
                }
            }
        }

        if (counted.Top(1, minimum: 3).FirstOrDefault() is { } strong)
        {
            return (strong.Value, strong.Pages[0]);
        }

        if (site.HomePage is { } home)
        {
            foreach (var segment in home.TitleSegments.Skip(1))
            {
                var words = Text.Words(segment);
                if (words.Count is >= 2 and <= 6 && !segment.Contains(',', StringComparison.Ordinal) && CategoryNouns.Contains(words[^1]))
                {
                    return (Text.Capitalize(segment.ToLowerInvariant()), home);
                }
            }
        }

        return counted.Top(1, minimum: 1).FirstOrDefault() is { } weak ? (weak.Value, weak.Pages[0]) : null;
    }

    private static string? TitleCategory(PageText home, string name)
    {
        foreach (var segment in home.TitleSegments.Concat(home.Description is { } d ? [Text.Sentences(d).First()] : []))
        {
            if (segment.Contains(name, StringComparison.OrdinalIgnoreCase) || Text.Key(segment) is "home" or "welcome")
            {
                continue;
            }

            // The kind of thing ends where what it is for, with or made like begins.
            var cut = TitleQualifier().Match(segment) is { Success: true } m ? segment[..m.Index] : segment;
            var words = Text.Words(cut.TrimEnd('.', ',', '!'));
            if (words.Count is < 1 or > 6 || Text.IsQuestion(segment) || Vocabulary.ActionVerbs.Contains(words[0])
                || Vocabulary.CallToActionStarts.Contains(words[0]) || !CategoryNouns.Contains(words[^1]))
            {
                continue;
            }

            return Text.Capitalize(cut.Trim().TrimEnd('.', ',', '!'));
        }

        return null;
    }

    private static string? CategoryPhrase(string phrase)
    {
        var words = Text.Words(phrase);
        if (words.Count == 0 || !CategoryNouns.Contains(words[^1]))
        {
            return null;
        }

        // "global leader in foodservice distribution" → "foodservice distribution".
        if (LeaderOf().Match(phrase) is { Success: true } leader)
        {
            phrase = phrase[(leader.Index + leader.Length)..];
        }

        var kept = Text.Words(phrase).SkipWhile(w => Boasts.Contains(w)).ToList();
        if (kept.Count is 0 or > 6)
        {
            return null;
        }

        // "a purpose-built tool", "an all-in-one platform": a kind of thing, not a market.
        var modifiers = phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => Boasts.Contains(w)).SkipLast(1).ToList();
        if (modifiers.All(GenericModifiers.Contains))
        {
            return null;
        }

        var start = phrase.IndexOf(kept[0], StringComparison.Ordinal);
        return Text.Capitalize(phrase[start..].Trim());
    }

    private static readonly HashSet<string> CategoryNouns = new(StringComparer.OrdinalIgnoreCase)
    {
        "platform", "software", "tool", "tools", "app", "application", "service", "services", "solution", "solutions", "suite", "system",
        "marketplace", "network", "provider", "distributor", "distribution", "analytics", "api", "infrastructure", "crm", "database", "bank",
        "card", "cards", "processor", "exchange", "agency", "consultancy", "manufacturer", "retailer", "brand", "studio", "firm", "editor",
        "tracker", "builder", "engine", "framework", "library", "marketplace", "insurer", "lender", "broker", "maker", "roaster", "wholesaler",
        "authority", "cms", "shop", "store", "consulting", "functions", "hosting", "registry", "manager", "integration", "delivery", "deployment",
        "scooters", "tienda", "plataforma", "servicio", "logiciel", "boutique",
    };

    private static readonly HashSet<string> GenericModifiers = new(StringComparer.OrdinalIgnoreCase)
    {
        "purpose-built", "all-in-one", "powerful", "simple", "easy", "easy-to-use", "modern", "new", "better", "smart", "smarter", "intuitive",
        "fast", "lightweight", "complete", "unified", "single", "open", "flexible", "secure", "beautiful", "better", "friendly", "free",
        "online", "cloud-based", "ai-powered", "ai-native", "next-generation", "next-gen", "innovative", "reliable", "great", "perfect",
    };

    private static readonly HashSet<string> Boasts = new(StringComparer.OrdinalIgnoreCase)
    {
        "global", "leading", "world's", "worlds", "best", "top", "premier", "first", "only", "modern", "new", "simple", "largest", "fastest",
        "number", "one", "1", "trusted", "award", "winning", "award-winning", "complete", "ultimate",
    };

    /// <summary>
    /// What sets the company apart, in its words: claims with "unlike", "the only", "N× faster", "faster than",
    /// "without", "instead of", independence and leadership, from headings and sentences.
    /// </summary>
    private static List<Candidate> Differentiators(SiteText site, string name, string brand)
    {
        var evidence = new Evidence();
        foreach (var page in site.Pages.Where(p => !p.IsNoise && p.Kind is not (PageKind.Pricing or PageKind.Customers or PageKind.Contact)))
        {
            var pageWeight = page.Kind is PageKind.Home or PageKind.Compare ? 1.5 : page.Kind is PageKind.About or PageKind.Product ? 1.2 : 1;
            var texts = page.Lines.Where(l => l.Kind == LineKind.Heading).Select(l => l.Text)
                .Concat(page.Sentences())
                .Concat(Text.Sentences(page.Description ?? ""));
            foreach (var text in texts)
            {
                var words = Text.WordCount(text);
                if (words is < 3 or > 35 || Text.IsQuestion(text) || Text.LooksLikeCode(text) || text[0] is '"' or '“')
                {
                    continue;
                }

                var score = ClaimStrength(text);
                if (score >= 1.5)
                {
                    evidence.Add(Plain(text), score * pageWeight, page);
                }
            }
        }

        return evidence.Top(MaxItems, minimum: 1.5);
    }

    private static double ClaimStrength(string text)
    {
        double score = 0;
        foreach (var (pattern, weight) in ClaimCues)
        {
            if (pattern.IsMatch(text))
            {
                score += weight;
            }
        }

        return score;
    }

    private static readonly (Regex Pattern, double Weight)[] ClaimCues =
    [
        (new Regex(@"\bunlike\b", RegexOptions.IgnoreCase), 3),
        (new Regex(@"\bthe only\b|\bonly (?:one|platform|tool|company)\b", RegexOptions.IgnoreCase), 3),
        (new Regex(@"\b\d+(?:\.\d+)?x\b|\b\d+ times\b", RegexOptions.IgnoreCase), 2),
        (new Regex(@"\b(?:faster|lighter|smaller|cheaper|simpler|easier|better|more accurate|more affordable) than\b", RegexOptions.IgnoreCase), 2),
        (new Regex(@"\bfaster\b|\blighter\b", RegexOptions.IgnoreCase), 0.5),
        (new Regex(@"\bwithout\b", RegexOptions.IgnoreCase), 1.5),
        (new Regex(@"\binstead of\b|\bnot more\b|, not \w+", RegexOptions.IgnoreCase), 1.5),
        (new Regex(@"\b(?:leader|leading|largest|#1|number one|first)\b", RegexOptions.IgnoreCase), 1.5),
        (new Regex(@"\bindependent\b|\bbootstrapped\b|\bself-funded\b|\bno investors\b", RegexOptions.IgnoreCase), 1.5),
        (new Regex(@"\bopen[ -]source\b", RegexOptions.IgnoreCase), 1),
        (new Regex(@"^no \w+", RegexOptions.IgnoreCase), 1),
        (new Regex(@"\bno (?:cookies|personal data|hidden fees|personal guarantee|lock-in|setup fees?)\b", RegexOptions.IgnoreCase), 1),
    ];

    /// <summary>
    /// Benefits, in the site's words: benefit-style headings of the home and product pages (imperative, or led by a
    /// benefit adjective, or speaking to "you"), a short heading completed by the sentence under it, then sentences
    /// with benefit cues. Claims already taken as differentiators are left out.
    /// </summary>
    private static List<Candidate> ValuePropositions(SiteText site, string brand, List<Candidate> differentiators)
    {
        var evidence = new Evidence();
        foreach (var page in site.Pages.Where(p => p.Kind is PageKind.Home or PageKind.Product or PageKind.Other))
        {
            var weight = page.IsHome ? 3 : page.Kind == PageKind.Product ? 2 : 1.5;
            var firstHeading = page.IsHome ? page.Lines.FirstOrDefault(l => l.Kind == LineKind.Heading) : null;
            foreach (var heading in page.Lines.Where(l => l.Kind == LineKind.Heading && l != firstHeading))
            {
                if (!IsBenefitHeading(heading.Text, brand))
                {
                    continue;
                }

                var text = heading.Text;
                if (Text.WordCount(text) < 4 && page.SentenceUnder(heading.Index) is { } under && !Text.IsQuestion(under) && !Text.Similar(under, text))
                {
                    text = Text.Truncate($"{text}: {under}", 220);
                }

                evidence.Add(text, weight, page, Text.Key(heading.Text));
            }

            foreach (var sentence in page.Sentences())
            {
                var words = Text.WordCount(sentence);
                var cues = BenefitCue().Count(sentence);
                if (cues == 0 || words is < 6 or > 30 || Text.IsQuestion(sentence) || Text.LooksLikeCode(sentence) || sentence[0] is '"' or '“')
                {
                    continue;
                }

                evidence.Add(sentence, (weight / 3) + cues * 0.5, page);
            }
        }

        return evidence.Top(MaxItems + differentiators.Count, minimum: 1)
            .Where(c => !differentiators.Any(d => Text.Similar(d.Value, c.Value)))
            .Take(MaxItems)
            .ToList();
    }

    private static bool IsBenefitHeading(string heading, string brand)
    {
        var words = Text.Words(heading);
        if (words.Count is < 2 or > 12 || Text.IsQuestion(heading) || Vocabulary.GenericHeadings.Contains(heading) || Text.LooksLikeCode(heading)
            || AudienceHeading().IsMatch(heading) || Vocabulary.CallToActionStarts.Contains(words[0]) && !Vocabulary.ActionVerbs.Contains(words[0]))
        {
            return false;
        }

        var first = Text.FirstToken(heading);
        return Vocabulary.ActionVerbs.Contains(first)
            || Vocabulary.BenefitAdjectives.Contains(first) && first is not ("why" or "what" or "how" or "who" or "where" or "for")
            || BenefitCue().IsMatch(heading)
            || words.Any(w => w is "you" or "your" or "You" or "Your")
            || heading.Contains(brand, StringComparison.Ordinal) && !heading.StartsWith(brand, StringComparison.Ordinal);
    }

    /// <summary>Drops surrounding quotes; the text stays as written otherwise.</summary>
    private static string Plain(string text) => text.Trim().Trim('"', '“', '”');

    [GeneratedRegex(@"\b(?:is|are)\s+(?:a|an|the)\s+(?:[\p{L}-]+,\s*)*(?:and\s+)?(?<category>[\p{L}\p{N}'’&/ -]+?)(?=\s+(?:designed|built|that|which|for|to|helping|used|with|where|on|from|trusted|made|powered|and|who|run|brought|provided|operated)\b|\s*[.,;:!?(]|$)")]
    private static partial Regex SelfDescription();

    [GeneratedRegex(@",|\s+(?:for|with|that|made|in|on|para|pour|für|de alta)\s", RegexOptions.IgnoreCase)]
    private static partial Regex TitleQualifier();

    [GeneratedRegex(@"\b(?:leader|leaders|pioneer|specialist|expert|experts) in\s+|\b(?:provider|maker|makers|developer|creator) of\s+", RegexOptions.IgnoreCase)]
    private static partial Regex LeaderOf();

    [GeneratedRegex(@"\b(?:save[sd]?|saving|faster|easier|easy|simple|simpler|automatic(?:ally)?|automates?|automated|in one place|all-in-one|real-time|no need|in minutes|in seconds|lightweight|accurate|secure|fewer|less time|more time|effortless(?:ly)?|instantly|one simple)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BenefitCue();

    [GeneratedRegex(@"^(?:(?:built|made|designed|perfect|ideal) for|for)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AudienceHeading();
}
