using Onboarding.Worker.Generation;
using Onboarding.Worker.Crawling;

namespace Onboarding.Testing;

/// <summary>
/// Reads the <c>Sites/*.site</c> fixtures: pages of real companies' websites written as text. A page starts with
/// <c>=== url</c>, then <c>key: value</c> metadata (title, description, site_name, language) up to <c>---</c>, then its
/// main text; lines marked <c>#</c>, <c>##</c> or <c>###</c> are its headings, kept in the text without the marks (as
/// a crawler's text extraction keeps them). Lines starting with <c>#</c> before the first page are comments.
/// </summary>
public static class SiteFixtures
{
    public static CrawledSite Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Sites", name + ".site");
        return Parse(File.ReadAllText(path));
    }

    public static CrawledSite Parse(string fixture)
    {
        var pages = new List<CrawledPage>();
        var lines = fixture.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var i = 0;
        while (i < lines.Length && !lines[i].StartsWith("=== ", StringComparison.Ordinal))
        {
            i++;
        }

        while (i < lines.Length)
        {
            var url = new Uri(lines[i][4..].Trim());
            i++;
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            for (; i < lines.Length && lines[i] != "---"; i++)
            {
                var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    meta[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
                }
            }

            i++;
            var headings = new List<string>();
            var text = new List<string>();
            for (; i < lines.Length && !lines[i].StartsWith("=== ", StringComparison.Ordinal); i++)
            {
                var line = lines[i];
                var marks = line.TakeWhile(c => c == '#').Count();
                if (marks is >= 1 and <= 3 && line.Length > marks && line[marks] == ' ')
                {
                    line = line[(marks + 1)..].Trim();
                    headings.Add(line);
                }

                text.Add(line);
            }

            pages.Add(new CrawledPage(
                url,
                meta.GetValueOrDefault("title"),
                meta.GetValueOrDefault("description"),
                meta.GetValueOrDefault("site_name"),
                headings,
                string.Join('\n', text).Trim(),
                meta.GetValueOrDefault("language")));
        }

        return new CrawledSite(pages[0].Url, pages);
    }

    /// <summary>A generation's three parts as JSON, to compare two generations whole.</summary>
    public static string Json(GeneratedContext context) =>
        System.Text.Json.JsonSerializer.Serialize(new { context.Company, context.Market, context.Icp }, System.Text.Json.JsonSerializerOptions.Web);
}
