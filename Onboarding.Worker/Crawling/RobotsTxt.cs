using System.Text;

namespace Onboarding.Worker.Crawling;

/// <summary>
/// A robots.txt per RFC 9309: the group whose user-agent matches our product token (case-insensitive) else the
/// <c>*</c> group; among its rules the longest matching path wins, <c>allow</c> winning a tie; <c>*</c> matches any
/// characters and a final <c>$</c> ends the path. Only the first 500 KiB are parsed, as the RFC allows.
/// </summary>
public sealed class RobotsTxt
{
    public const int MaxBytes = 500 * 1024;

    private readonly List<(bool Allow, string Pattern)> _rules;

    private RobotsTxt(List<(bool Allow, string Pattern)> rules) => _rules = rules;

    /// <summary>Everything allowed (no robots.txt, or a 4xx for it).</summary>
    public static RobotsTxt AllowAll { get; } = new([]);

    /// <summary>Nothing allowed (robots.txt unreachable or a 5xx: RFC 9309 §2.3.1.3).</summary>
    public static RobotsTxt DisallowAll { get; } = new([(false, "/")]);

    public static RobotsTxt Parse(string content, string productToken)
    {
        var groups = new List<(List<string> Agents, List<(bool Allow, string Pattern)> Rules)>();
        (List<string> Agents, List<(bool, string)> Rules)? current = null;
        var lastWasAgent = false;
        foreach (var rawLine in content.Split('\n'))
        {
            var line = rawLine;
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "user-agent":
                    if (current is null || !lastWasAgent)
                    {
                        current = ([], []);
                        groups.Add(current.Value);
                    }

                    current.Value.Agents.Add(value);
                    lastWasAgent = true;
                    break;
                case "allow" or "disallow" when current is not null:
                    lastWasAgent = false;
                    // An empty disallow allows everything, which no rule at all already says.
                    if (value.Length > 0)
                    {
                        current.Value.Rules.Add((key == "allow", Normalize(value)));
                    }

                    break;
                default:
                    // Sitemap, crawl-delay and unknown lines neither start nor end a group.
                    break;
            }
        }

        var ours = groups.Where(g => g.Agents.Any(a => a.Equals(productToken, StringComparison.OrdinalIgnoreCase))).ToList();
        if (ours.Count == 0)
        {
            ours = groups.Where(g => g.Agents.Contains("*")).ToList();
        }

        // Several groups for the same agent are combined (RFC 9309 §2.2.1).
        return new RobotsTxt(ours.SelectMany(g => g.Rules).ToList());
    }

    /// <summary>Whether the path (with its query) may be crawled.</summary>
    public bool IsAllowed(Uri url)
    {
        var path = Normalize(url.PathAndQuery);
        if (path == "/robots.txt")
        {
            return true;
        }

        (bool Allow, int Length)? best = null;
        foreach (var (allow, pattern) in _rules)
        {
            if (Matches(pattern, path) && (best is null || pattern.Length > best.Value.Length || (pattern.Length == best.Value.Length && allow)))
            {
                best = (allow, pattern.Length);
            }
        }

        return best?.Allow ?? true;
    }

    private static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        var parts = (anchored ? pattern[..^1] : pattern).Split('*');
        if (!path.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return false;
        }

        var position = parts[0].Length;
        for (var i = 1; i < parts.Length; i++)
        {
            var found = i == parts.Length - 1 && anchored
                ? (path.EndsWith(parts[i], StringComparison.Ordinal) && path.Length - parts[i].Length >= position ? path.Length - parts[i].Length : -1)
                : path.IndexOf(parts[i], position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return !anchored || position == path.Length;
    }

    /// <summary>Percent-encodes what needs it and upper-cases escapes, so equal paths compare equal (RFC 9309 §2.2.2).</summary>
    private static string Normalize(string path)
    {
        var builder = new StringBuilder(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '%' && i + 2 < path.Length && Uri.IsHexDigit(path[i + 1]) && Uri.IsHexDigit(path[i + 2]))
            {
                var decoded = (char)Convert.ToInt32(path.Substring(i + 1, 2), 16);
                // Unreserved characters are the same escaped or not.
                if (char.IsAsciiLetterOrDigit(decoded) || decoded is '-' or '.' or '_' or '~')
                {
                    builder.Append(decoded);
                }
                else
                {
                    builder.Append('%').Append(char.ToUpperInvariant(path[i + 1])).Append(char.ToUpperInvariant(path[i + 2]));
                }

                i += 2;
            }
            else if (c > 127 || c == ' ')
            {
                var length = char.IsHighSurrogate(c) && i + 1 < path.Length ? 2 : 1;
                foreach (var b in Encoding.UTF8.GetBytes(path.Substring(i, length)))
                {
                    builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }

                i += length - 1;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
