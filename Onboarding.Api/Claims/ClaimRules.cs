using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Onboarding.Api.Claims;

/// <summary>What a claim's email, org slug and domain must look like, and how domains are compared.</summary>
public static partial class ClaimRules
{
    /// <summary>Slugs that would collide with our own paths, hosts or roles.</summary>
    public static readonly FrozenSet<string> ReservedSlugs = new[]
    {
        "admin", "administrator", "api", "app", "apps", "assets", "auth", "billing", "claim", "claims", "console",
        "dashboard", "docs", "email", "help", "internal", "login", "logout", "mail", "me", "new", "null", "onboarding",
        "org", "orgs", "root", "security", "settings", "signup", "static", "status", "support", "system", "undefined", "www",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Webmail providers: a claim by someone@gmail.com must not bind gmail.com to one org, or every other
    /// Gmail user would be told their domain is taken. Such claims create the org without a domain.
    /// </summary>
    public static readonly FrozenSet<string> SharedEmailDomains = new[]
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de",
        "gmx.net", "web.de", "mail.com", "yandex.ru", "yandex.com", "zoho.com", "fastmail.com", "hey.com", "qq.com",
        "163.com", "126.com", "naver.com", "mail.ru", "tutanota.com", "tuta.io",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>The email pattern of the workspace contract, at most 254 characters.</summary>
    public static bool IsValidEmail(string? email) => email is { Length: <= 254 } && EmailPattern().IsMatch(email);

    /// <summary>Lowercase letters, digits and single hyphens, 3–40 characters, starting and ending with a letter or digit.</summary>
    public static bool IsValidSlug(string? slug) => slug is not null && SlugPattern().IsMatch(slug) && !slug.Contains("--", StringComparison.Ordinal);

    public static bool IsReservedSlug(string slug) => ReservedSlugs.Contains(slug);

    /// <summary>
    /// The domain as stored and compared: lowercase ASCII (IDN as punycode), no trailing dot, at least two
    /// labels of letters, digits and hyphens, a non-numeric top level. Null when it is not a domain name.
    /// </summary>
    public static string? NormalizeDomain(string? input)
    {
        var domain = input?.Trim();
        if (string.IsNullOrEmpty(domain))
        {
            return null;
        }

        if (domain.EndsWith('.'))
        {
            domain = domain[..^1];
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(domain.ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }

        var labels = ascii.Split('.');
        return ascii.Length <= 253
            && labels.Length >= 2
            && labels.All(label => label.Length is > 0 and <= 63)
            && !labels[^1].All(char.IsAsciiDigit)
            ? ascii
            : null;
    }

    /// <summary>The normalised domain of a valid email address.</summary>
    public static string? EmailDomain(string email) => NormalizeDomain(email[(email.LastIndexOf('@') + 1)..]);

    [GeneratedRegex(@"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
