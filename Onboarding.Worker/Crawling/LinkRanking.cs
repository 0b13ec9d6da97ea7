namespace Onboarding.Worker.Crawling;

/// <summary>
/// How likely a link is to describe the company, from its path and its text: about, product, pricing and
/// customers first; blog posts, legal pages, sign-in and careers last.
/// </summary>
public static class LinkRanking
{
    private static readonly (string Word, int Score)[] Words =
    [
        ("about", 10), ("company", 8), ("who-we-are", 9), ("our-story", 8), ("team", 5), ("mission", 6),
        ("product", 9), ("products", 9), ("platform", 8), ("features", 8), ("solution", 8), ("solutions", 8), ("services", 8),
        ("how-it-works", 7), ("why", 6), ("pricing", 9), ("plans", 7), ("customers", 8), ("case-studies", 7), ("case-study", 6),
        ("stories", 5), ("use-cases", 7), ("industries", 7), ("integrations", 4), ("security", 3), ("compare", 4), ("vs", 3),
        ("contact", 2), ("partners", 2),
        ("blog", -6), ("news", -4), ("press", -3), ("careers", -5), ("jobs", -5), ("privacy", -9), ("terms", -9), ("legal", -9),
        ("cookie", -9), ("cookies", -9), ("login", -10), ("log-in", -10), ("signin", -10), ("sign-in", -10), ("signup", -8),
        ("sign-up", -8), ("register", -8), ("cart", -10), ("checkout", -10), ("account", -8), ("docs", -3), ("help", -3),
        ("support", -2), ("status", -6), ("tag", -6), ("category", -5), ("author", -6), ("page", -2), ("feed", -10),
    ];

    private static readonly HashSet<string> Locales = new(StringComparer.OrdinalIgnoreCase)
    {
        "de", "fr", "es", "it", "nl", "pt", "ja", "ko", "zh", "ru", "pl", "sv", "da", "fi", "nb", "tr", "en-gb", "en-us", "de-de", "fr-fr", "es-es", "pt-br", "zh-cn",
    };

    public static int Score(PageLink link)
    {
        var segments = link.Url.AbsolutePath.Trim('/').ToLowerInvariant().Split('/', StringSplitOptions.RemoveEmptyEntries);
        var text = link.Text.ToLowerInvariant().Replace(' ', '-');
        var score = 0;
        foreach (var (word, value) in Words)
        {
            if (segments.Contains(word) || (segments.Length > 0 && segments[0].StartsWith(word + "-", StringComparison.Ordinal)))
            {
                score += value;
            }
            else if (text == word || text.StartsWith(word + "-", StringComparison.Ordinal) || text.EndsWith("-" + word, StringComparison.Ordinal))
            {
                score += value / 2;
            }
        }

        // Translations of pages already taken, deep pages and query-string variants say less.
        if (segments.Length > 0 && Locales.Contains(segments[0]))
        {
            score -= 8;
        }

        score -= Math.Max(0, segments.Length - 2) * 2;
        if (link.Url.Query.Length > 0)
        {
            score -= 4;
        }

        return score;
    }
}
