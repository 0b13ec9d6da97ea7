using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Worker.Crawling;

/// <summary>
/// Which found links a crawl takes, so its few pages are all different and all telling: one address per page
/// (<c>/x</c>, <c>/x/</c>, <c>/x.html</c> and <c>/x?origin=menu</c> are one), one copy of each content, the start
/// page's language only, and at most one or two pages of each kind that says little about the business (docs,
/// help, legal, blog, careers). Every refusal has a reason, for the run's timeline.
/// </summary>
public sealed class CrawlScope
{
    private static readonly HashSet<string> Locales = new(StringComparer.OrdinalIgnoreCase)
    {
        "en", "de", "fr", "es", "it", "nl", "pt", "ja", "ko", "zh", "ru", "pl", "sv", "da", "fi", "nb", "no", "tr", "cs", "ca", "he", "th", "el",
        "ta", "uk", "ar", "hu", "ro", "id", "vi", "hi", "fa", "sk", "bg", "hr", "sr", "lt", "lv", "et", "sl", "ms", "bn", "si", "ml", "kn", "mr",
        "gu", "pa", "ur", "ne", "my", "km", "ka", "hy", "az", "kk", "uz", "sq", "mk", "bs", "is", "ga", "cy", "eu", "gl", "af", "sw", "tl", "be",
        "en-gb", "en-us", "en-ca", "en-au", "de-de", "de-at", "de-ch", "fr-fr", "fr-ca", "es-es", "es-mx", "pt-br", "pt-pt", "zh-cn", "zh-tw", "zh-hk",
        "zh-hans", "zh-hant",
    };

    // Kinds of page worth one or two of ten: more of them crowd out pricing, customers and about.
    private static readonly (string[] Words, int Budget)[] Budgets =
    [
        (["docs", "doc", "documentation", "guides", "guide", "manual", "reference", "api", "sdk"], 2),
        (["help", "support", "faq", "kb", "knowledge-base"], 1),
        (["blog", "news", "posts", "articles", "updates", "changelog", "releases", "release-notes"], 2),
        (["legal", "privacy", "terms", "cookies", "cookie-policy", "eula", "imprint", "impressum", "policies", "gdpr", "dpa", "tos"], 1),
        (["careers", "jobs", "hiring"], 1),
    ];

    private readonly HashSet<string> _addresses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _contents = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _taken = [];
    private readonly Lock _lock = new();
    private string? _locale;

    public CrawlScope(Uri home, string? language)
    {
        _locale = LocaleOf(home) ?? (language is { Length: >= 2 } ? language.Split('-')[0].ToLowerInvariant() : null);
        ClaimLocked(home);
    }

    /// <summary>One address per page: no fragment or query, no trailing slash, no <c>.html</c> or <c>/index</c>, host without <c>www.</c>.</summary>
    public static string Key(Uri url)
    {
        var path = Uri.UnescapeDataString(url.AbsolutePath).TrimEnd('/');
        foreach (var suffix in new[] { "/index.html", "/index.htm", "/index.php", ".html", ".htm" })
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^suffix.Length];
                break;
            }
        }

        var host = url.Host.ToLowerInvariant();
        return (host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host) + path;
    }

    /// <summary>The link without its query string: tracking and modal parameters make copies of one page.</summary>
    public static Uri WithoutQuery(Uri url) => url.Query.Length == 0 ? url : new UriBuilder(url) { Query = "" }.Uri;

    /// <summary>Whether a found link may be taken; when not, why.</summary>
    public string? Refusal(Uri url)
    {
        lock (_lock)
        {
            return RefusalLocked(url);
        }
    }

    private string? RefusalLocked(Uri url)
    {
        if (_addresses.Contains(Key(url)))
        {
            return "the same page as one already taken";
        }

        if (LocaleOf(url) is { } locale && _locale is not null && !string.Equals(locale, _locale, StringComparison.OrdinalIgnoreCase))
        {
            return $"another language ({locale}) than the start page's ({_locale})";
        }

        if (Budget(url) is { } budget && _taken.GetValueOrDefault(budget.Index) >= budget.Budget)
        {
            return $"enough pages of this kind ({budget.Word}) already";
        }

        return null;
    }

    /// <summary>Takes the link: its address (and its kind's budget) is used from now on.</summary>
    public void Claim(Uri url)
    {
        lock (_lock)
        {
            ClaimLocked(url);
        }
    }

    private void ClaimLocked(Uri url)
    {
        _addresses.Add(Key(url));
        _locale ??= LocaleOf(url);
        if (Budget(url) is { } budget)
        {
            _taken[budget.Index] = _taken.GetValueOrDefault(budget.Index) + 1;
        }
    }

    /// <summary>Whether a fetched page's address (after redirects) or content was already read; marks it read otherwise.</summary>
    public bool IsRepeat(Uri requested, Uri final, string content)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        lock (_lock)
        {
            if (Key(final) != Key(requested) && !_addresses.Add(Key(final)))
            {
                return true;
            }

            return content.Length > 0 && !_contents.Add(hash);
        }
    }

    /// <summary>Whether a redirect leads to a page already taken, so the crawl need not fetch it again.</summary>
    public bool IsTaken(Uri requested, Uri next)
    {
        lock (_lock)
        {
            return Key(next) != Key(requested) && _addresses.Contains(Key(next));
        }
    }

    private static string? LocaleOf(Uri url)
    {
        var first = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is not null && Locales.Contains(first) ? first.Split('-')[0].ToLowerInvariant() : null;
    }

    private static (int Index, int Budget, string Word)? Budget(Uri url)
    {
        var segments = url.AbsolutePath.ToLowerInvariant().Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.EndsWith(".html", StringComparison.Ordinal) ? s[..^5] : s).ToList();
        for (var i = 0; i < Budgets.Length; i++)
        {
            if (segments.FirstOrDefault(s => Budgets[i].Words.Contains(s)) is { } word)
            {
                return (i, Budgets[i].Budget, word);
            }
        }

        return null;
    }
}
