using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>Company names on a site: the site's own, and whether a phrase names a company at all.</summary>
internal static class CompanyNames
{
    /// <summary>
    /// The company's name: <c>og:site_name</c> weighs most, then the part of the titles that repeats across pages
    /// ("Pricing | Acme", "About Acme"), then a short home h1; a candidate that matches the domain wins ties. The
    /// domain itself is the last resort.
    /// </summary>
    public static (string Value, List<PageText> Pages) Of(SiteText site)
    {
        var evidence = new Evidence();
        foreach (var page in site.Pages)
        {
            if (page.SiteName is { } siteName && IsNameLike(siteName))
            {
                evidence.Add(siteName, page.IsHome ? 8 : 3, page, Text.Compact(siteName));
            }

            var segments = page.TitleSegments;
            for (var i = 0; i < segments.Count; i++)
            {
                if (IsNameLike(segments[i]))
                {
                    evidence.Add(segments[i], page.IsHome && i == 0 ? 3 : 1, page, Text.Compact(segments[i]));
                }
            }

            foreach (var run in CapitalizedRuns(page.Title ?? "").Distinct(StringComparer.Ordinal))
            {
                evidence.Add(run, 0.5, page, Text.Compact(run));
            }

            if (page.IsHome && page.Headings.Count > 0 && page.Headings[0] is var h1 && Text.WordCount(h1) <= 3 && IsNameLike(h1))
            {
                evidence.Add(h1, 1, page, Text.Compact(h1));
            }
        }

        var label = Text.Compact(site.DomainLabel);
        int DomainMatch(Candidate c) =>
            label.Length == 0 ? 0
            : c.Key == label ? 2
            : c.Key.Length >= 3 && (c.Key.StartsWith(label, StringComparison.Ordinal) || label.StartsWith(c.Key, StringComparison.Ordinal)) ? 1
            : 0;

        var best = evidence.All
            .Select(c => (Candidate: c, Score: c.Score + DomainMatch(c) * 2))
            .Where(c => c.Score >= 1.5)
            .OrderByDescending(c => c.Score)
            .ThenByDescending(c => DomainMatch(c.Candidate))
            .ThenBy(c => c.Candidate.Value.Length)
            .Select(c => c.Candidate)
            .FirstOrDefault();
        if (best is not null)
        {
            return (best.Value, best.Pages);
        }

        var fromDomain = string.Join(' ', site.DomainLabel.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(Text.Capitalize));
        return (fromDomain.Length > 0 ? fromDomain : site.Home.Host, site.HomePage is { } home ? [home] : []);
    }

    private static bool IsNameLike(string value)
    {
        var words = Text.Words(value);
        if (words.Count == 0 || Text.WordCount(value) > 5 || value.Length > 60 || value.Contains(',', StringComparison.Ordinal) || Text.EndsSentence(value)
            || Vocabulary.GenericHeadings.Contains(value) || GenericTitleWords.Contains(words[0]))
        {
            return false;
        }

        // Names are capitalised word by word (small connectors aside); scripts without case pass as written.
        return words.All(w => !char.IsLower(w[0]) || w is "of" or "and" or "de" or "la" or "du" or "von" or "und" or "the" or "for");
    }

    private static readonly HashSet<string> GenericTitleWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "home", "about", "pricing", "welcome", "contact", "blog", "the", "our", "your", "why", "how", "what", "products", "product",
        "features", "customers", "careers", "login", "sign", "über", "uber", "startseite", "willkommen", "accueil", "inicio",
    };

    /// <summary>Runs of one to three capitalised words in a title, e.g. "Plausible Analytics" in "About Plausible Analytics".</summary>
    private static IEnumerable<string> CapitalizedRuns(string title)
    {
        var tokens = title.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var run = new List<string>();
        foreach (var token in tokens.Append(""))
        {
            var word = token.Trim(',', '.', ':', ';', '!', '?', '(', ')', '"', '“', '”');
            var capitalised = word.Length > 0 && char.IsUpper(word[0]) && !GenericTitleWords.Contains(word);
            if (capitalised)
            {
                run.Add(word);
            }

            // A word in lower case, or one carrying punctuation ("Acme," in "Acme, the …"), ends the run.
            if (capitalised && word.Length == token.Length)
            {
                continue;
            }

            for (var length = 1; length <= Math.Min(3, run.Count); length++)
            {
                for (var start = 0; start + length <= run.Count; start++)
                {
                    yield return string.Join(' ', run.Skip(start).Take(length));
                }
            }

            run.Clear();
        }
    }

    /// <summary>Whether a short capitalised phrase reads as a company's name ("Eventbrite", "Barry's Bootcamp"), not a heading or a crowd.</summary>
    public static bool IsCompanyName(string value)
    {
        var words = Text.Words(value);
        return words.Count is >= 1 and <= 4 && value.Length <= 40 && char.IsUpper(value[0]) && !Text.EndsSentence(value)
            && !GenericTitleWords.Contains(words[0]) && !Vocabulary.GenericHeadings.Contains(value)
            && !NotCompanies.Contains(words[0]) && words.Skip(1).All(w => char.IsUpper(w[0]) || char.IsDigit(w[0]) || w is "of" or "and" or "the" or "s");
    }

    private static readonly HashSet<string> NotCompanies = new(StringComparer.OrdinalIgnoreCase)
    {
        "read", "learn", "see", "view", "more", "all", "and", "companies", "businesses", "teams", "brands", "customers", "thousands", "millions",
        "many", "some", "other", "others", "every", "leading", "top", "startups", "enterprises", "organizations", "organisations", "people",
    };
}
