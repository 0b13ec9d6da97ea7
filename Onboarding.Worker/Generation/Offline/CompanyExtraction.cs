using System.Text.RegularExpressions;
using Onboarding.Data.Model;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>The company context from the pages alone: who the company is and what it sells.</summary>
internal static partial class CompanyExtraction
{
    private const int MaxProducts = 8;
    private const int MaxCustomers = 8;
    private const int MaxDescriptionLength = 700;

    public static CompanyContext Extract(SiteText site)
    {
        var sources = new SourceMap();
        var name = CompanyNames.Of(site);
        sources.Add("name", name.Pages);

        var tagline = Tagline(site, name.Value);
        if (tagline is not null)
        {
            sources.Add("tagline", [tagline.Value.Page]);
        }

        var description = Description(site, name.Value);
        sources.Add("description", description.Pages);

        var plans = Pricing.Plans(site);
        var pricing = Pricing.Describe(site, plans);
        sources.Add("pricing", pricing.Pages);

        var products = Products(site, name.Value, plans);
        sources.Add("products", products);

        var customers = SocialProof.Customers(site, name.Value);
        sources.Add("customers", customers);

        var headquarters = Headquarters.Find(site);
        if (headquarters is not null)
        {
            sources.Add("headquarters", [headquarters.Value.Page]);
        }

        return new CompanyContext
        {
            Name = name.Value,
            Website = site.Home.AbsoluteUri,
            Tagline = tagline?.Text,
            Description = description.Text,
            Products = products.Select(p => new Offering(p.Value, p.Detail)).ToList(),
            Pricing = pricing.Lines,
            Customers = customers.Select(c => c.Value).ToList(),
            Headquarters = headquarters?.Text,
            Sources = sources.Build(),
            Evidence = sources.Evidence(new Dictionary<string, IEnumerable<string?>>
            {
                ["name"] = [name.Value],
                ["tagline"] = [tagline?.Text],
                ["description"] = [description.Text],
                ["products"] = products.Select(p => p.Value),
                ["pricing"] = pricing.Lines,
                ["customers"] = customers.Select(c => c.Value),
                ["headquarters"] = [headquarters?.Text],
            }),
        };
    }

    /// <summary>The home page's hero heading, else the tagline half of its title, else its meta description when short.</summary>
    private static (string Text, PageText Page)? Tagline(SiteText site, string name)
    {
        if (site.HomePage is not { } home)
        {
            return null;
        }

        var compactName = Text.Compact(name);
        bool Usable(string text, int maxWords) =>
            Text.WordCount(text) is var words && words >= 2 && words <= maxWords && Text.Compact(text) != compactName
            && !Vocabulary.GenericHeadings.Contains(text) && !Text.LooksLikeCode(text);

        foreach (var heading in home.Headings.Take(2))
        {
            if (Usable(heading, 16))
            {
                return (heading, home);
            }
        }

        foreach (var segment in home.TitleSegments)
        {
            if (Usable(segment, 16) && !string.Equals(Text.Compact(segment), compactName, StringComparison.Ordinal))
            {
                return (segment, home);
            }
        }

        if (home.Description is { } description && Text.Sentences(description).FirstOrDefault() is { } first && Usable(first, 25))
        {
            return (first, home);
        }

        return null;
    }

    /// <summary>
    /// Two to four sentences that say what the company does: meta descriptions and the about and home pages' first
    /// paragraphs compete, sentences naming the company or saying what it is ("… is a …", "helps …") win, and
    /// calls to action, questions, quotes, code and near-repeats are left out.
    /// </summary>
    private static (string? Text, List<PageText> Pages) Description(SiteText site, string name)
    {
        var candidates = new List<(string Text, double Score, PageText Page, int Order)>();
        void Consider(string sentence, double score, PageText page)
        {
            sentence = sentence.Trim();
            var words = Text.WordCount(sentence);
            if (words is < 5 or > 45 || Text.IsQuestion(sentence) || Text.LooksLikeCode(sentence) || sentence[0] is '"' or '“' or '‘'
                || IsCallToAction(sentence) || sentence.Contains("cookie", StringComparison.OrdinalIgnoreCase) && !sentence.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (sentence.Contains(name, StringComparison.OrdinalIgnoreCase) || sentence.StartsWith("We ", StringComparison.Ordinal))
            {
                score += 2;
            }

            if (SelfDescription().IsMatch(sentence))
            {
                score += 1.5;
            }

            candidates.Add((Text.EndsSentence(sentence) ? sentence : sentence + ".", score, page, candidates.Count));
        }

        foreach (var page in site.Pages.Where(p => p.Kind is PageKind.Home or PageKind.About))
        {
            var about = page.Kind == PageKind.About;
            var position = 0;
            foreach (var sentence in Text.Sentences(page.Description ?? ""))
            {
                Consider(sentence, (page.IsHome ? 5 : 4) - position++ * 1.5, page);
            }

            position = 0;
            foreach (var sentence in page.Sentences().Take(12))
            {
                Consider(sentence, (about ? 3 : 2) - position++ * 0.2, page);
            }
        }

        var chosen = new List<(string Text, double Score, PageText Page, int Order)>();
        var length = 0;
        foreach (var candidate in candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Order))
        {
            if (chosen.Count == 4 || chosen.Count >= 2 && length + candidate.Text.Length > MaxDescriptionLength)
            {
                break;
            }

            if (candidate.Score < 2 || chosen.Any(c => Text.Similar(c.Text, candidate.Text)))
            {
                continue;
            }

            chosen.Add(candidate);
            length += candidate.Text.Length + 1;
        }

        return chosen.Count == 0
            ? (null, [])
            : (Text.Truncate(string.Join(' ', chosen.Select(c => c.Text)), MaxDescriptionLength + 100), chosen.Select(c => c.Page).Distinct().ToList());
    }

    /// <summary>
    /// Offerings: noun-phrase headings of the home and product pages ("Corporate cards", "Fresh produce"), with the
    /// sentence under each, plus the company's branded names ("Sysco Shop", "Plausible Community Edition"). Each gains
    /// weight from pages dedicated to it and from mentions elsewhere; plans and benefit slogans are not offerings.
    /// </summary>
    private static List<Candidate> Products(SiteText site, string name, List<Plan> plans)
    {
        var evidence = new Evidence();
        var planKeys = plans.Select(p => Text.Key(p.Name)).ToHashSet(StringComparer.Ordinal);
        var nameKey = Text.Key(name);
        var brand = Text.Words(name).FirstOrDefault() ?? name;

        foreach (var page in site.Pages.Where(p => p.Kind is PageKind.Home or PageKind.Product or PageKind.Other))
        {
            var weight = page.Kind == PageKind.Product ? 3 : 2;
            foreach (var heading in page.Lines.Where(l => l.Kind == LineKind.Heading))
            {
                if (!IsOfferingHeading(heading.Text, name, brand) || planKeys.Contains(Text.Key(heading.Text)))
                {
                    continue;
                }

                var candidate = evidence.Add(heading.Text, weight, page);
                var detail = page.SentenceUnder(heading.Index);
                if (candidate is not null && detail is not null && weight > candidate.DetailWeight && !Text.IsQuestion(detail) && !DescribesAnother(detail, heading.Text))
                {
                    candidate.Detail = Text.Truncate(detail, 300);
                    candidate.DetailWeight = weight;
                }
            }
        }

        // Branded names: the company's name followed by capitalised words, counted once per page that says them.
        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var text in page.Lines.Select(l => l.Text).Concat(page.TitleSegments).Append(page.Description ?? ""))
            {
                foreach (Match match in BrandedName().Matches(text))
                {
                    var branded = match.Value.TrimEnd('.', ',', ':');
                    if (!branded.StartsWith(brand + " ", StringComparison.Ordinal) || Text.Key(branded) == nameKey || planKeys.Contains(Text.Key(branded))
                        || Text.Words(branded).Skip(1).Any(Vocabulary.LegalSuffixes.Contains) || Text.Key(name).StartsWith(Text.Key(branded), StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var candidate = seen.Add(Text.Key(branded)) ? evidence.Add(branded, 1, page) : evidence.All.FirstOrDefault(c => c.Key == Text.Key(branded));
                    if (candidate is not null && candidate.Detail is null && Text.Sentences(text).FirstOrDefault(s => s.StartsWith(branded + " is", StringComparison.Ordinal)) is { } said)
                    {
                        candidate.Detail = Text.Truncate(said, 300);
                        candidate.DetailWeight = 1;
                    }
                }
            }
        }

        // Corroboration: a page dedicated to the offering, and mentions in other titles, descriptions and text.
        var readable = site.Pages.Where(p => !p.IsNoise).Select(page => (
            Page: page,
            FirstKeys: new[] { page.TitleSegments.Count > 0 ? Text.Key(page.TitleSegments[0]) : null, page.Headings.Count > 0 ? Text.Key(page.Headings[0]) : null },
            Keys: page.Lines.Where(l => l.Kind != LineKind.Heading).Select(l => l.Text).Append(page.Description ?? "").Append(page.Title ?? "")
                .Select(t => " " + Text.Key(t) + " ").ToList())).ToList();
        foreach (var candidate in evidence.All)
        {
            var mentions = 0;
            var needle = " " + candidate.Key + " ";
            foreach (var (page, firstKeys, keys) in readable)
            {
                var dedicated = firstKeys[0] is { } title && title.StartsWith(candidate.Key, StringComparison.Ordinal) || firstKeys[1] == candidate.Key;
                if (dedicated && !page.IsHome)
                {
                    candidate.See(candidate.Value, 2, page);
                    if (candidate.Detail is null && page.Description is { } description)
                    {
                        candidate.Detail = Text.Truncate(Text.Sentences(description).First(), 300);
                    }
                }

                mentions += keys.Count(k => k.Contains(needle, StringComparison.Ordinal));
            }

            candidate.Score += Math.Min(3, mentions * 0.5);
        }

        return evidence.Top(MaxProducts, minimum: 2, share: 0.15);
    }

    /// <summary>"Certbot is a Python-based utility …" under "Client Software": the sentence defines another thing, named first.</summary>
    private static bool DescribesAnother(string sentence, string heading)
    {
        var words = Text.Words(sentence);
        return words.Count > 2 && char.IsUpper(words[0][0]) && words[1] is "is" or "are" && !heading.Contains(words[0], StringComparison.OrdinalIgnoreCase)
            && words[0] is not ("It" or "This" or "These" or "They" or "We" or "You" or "Our" or "Your" or "The" or "A" or "An");
    }

    private static bool IsOfferingHeading(string heading, string name, string brand)
    {
        var words = Text.Words(heading);
        if (words.Count is 0 or > 5 || heading.Length > 60 || Text.EndsSentence(heading) || heading.EndsWith(':') || heading.Contains(',', StringComparison.Ordinal)
            || Text.IsQuestion(heading) || Vocabulary.GenericHeadings.Contains(heading) || Text.LooksLikeCode(heading))
        {
            return false;
        }

        // The company's own name alone is not an offering; its name followed by more words may be ("Acme Cloud").
        if (heading.StartsWith(brand + " ", StringComparison.Ordinal))
        {
            return Text.Key(heading) != Text.Key(name);
        }

        var first = Text.FirstToken(heading);
        if (heading.Contains(name, StringComparison.OrdinalIgnoreCase) || heading.Contains(brand, StringComparison.Ordinal)
            || Vocabulary.ActionVerbs.Contains(first) || Vocabulary.BenefitAdjectives.Contains(first) || Vocabulary.CallToActionStarts.Contains(first)
            || words.Any(w => PersonalWords.Contains(w)) || char.IsDigit(first[0]))
        {
            return false;
        }

        // Audiences ("Startups", "Enterprise", "Restaurants", "Finance teams love …") are not offerings.
        return !string.Equals(heading, "Enterprise", StringComparison.OrdinalIgnoreCase)
            && !Vocabulary.CompanySizes.Concat(Vocabulary.Industries).Any(t => t.Pattern.Match(heading) is { Success: true } m && m.Length >= heading.Length - 1)
            && !Vocabulary.Roles.Any(t => t.Pattern.IsMatch(heading));
    }

    private static readonly HashSet<string> PersonalWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "you", "your", "you're", "we", "we're", "our", "us", "i", "my", "it", "its", "it's", "their", "they", "them", "this", "that", "these",
        "those", "why", "how", "what", "who", "love", "loves", "is", "are", "was", "be", "can", "will", "do", "does", "not", "never", "than",
    };

    private static bool IsCallToAction(string sentence)
    {
        var words = Text.Words(sentence);
        return words.Count <= 6 && words.Count > 0 && Vocabulary.CallToActionStarts.Contains(words[0]);
    }

    [GeneratedRegex(@"\b(?:is|are) (?:a|an|the)\b|\bhelps?\b|\bprovides?\b|\boffers?\b|\bbuilds?\b|\bdelivers?\b|\bmakes? it\b|\blets\b|\benables?\b|\bplatform\b|\bsoftware\b|\bservices?\b|\bcompany\b|\btool\b|\bdistribut", RegexOptions.IgnoreCase)]
    private static partial Regex SelfDescription();

    // A brand token followed by one to three capitalised words: "Sysco Shop", "Plausible Community Edition".
    [GeneratedRegex(@"(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}]*(?:\s+(?:\p{Lu}[\p{L}\p{N}]*|\d+)){1,3}")]
    private static partial Regex BrandedName();
}
