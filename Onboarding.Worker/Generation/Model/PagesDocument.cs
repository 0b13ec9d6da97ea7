using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Model;

/// <summary>
/// The crawled pages as one JSON document, the user message of every generation. As JSON strings, page text cannot
/// break out of its field or pose as part of the prompt, whatever it contains; the system prompt says it is data.
/// </summary>
internal static class PagesDocument
{
    private const int MaxHeadingsPerPage = 40;
    private const int MaxHeadingLength = 200;
    private const int MaxBlocksPerPage = 20;
    private const int MaxFooterLength = 600;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Escaping only what JSON needs keeps "<", ">" and "&" readable for the model; the structure is safe regardless.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The pages (cleaned of menus, footers and cookie notices), their text shared out fairly within the budget.</summary>
    public static string Build(SiteText site, int maxCharacters)
    {
        var texts = site.Pages.Select(p => string.Join('\n', p.Lines.Select(l => l.Text))).ToList();
        var budgets = Share(texts.Select(t => t.Length).ToList(), maxCharacters);
        var pages = site.Pages.Select((page, i) => new PageEntry(
            page.Url,
            page.Title,
            page.Description,
            page.SiteName,
            page.Headings.Take(MaxHeadingsPerPage).Select(h => h.Length > MaxHeadingLength ? h[..MaxHeadingLength] : h).ToList(),
            texts[i].Length > budgets[i] ? texts[i][..budgets[i]] : texts[i])
        {
            // The blocks the reader found in the markup, as the offline extractor reads them.
            Prices = page.Page.Prices.Take(MaxBlocksPerPage).Select(b => b.Title is null ? b.Price : $"{b.Title}: {b.Price}").ToList(),
            NameGroups = page.Page.LogoWalls.Concat(page.Page.ComparisonTables).Take(MaxBlocksPerPage)
                .Select(g => new NameGroup(g.Heading, g.Names.Take(MaxBlocksPerPage).ToList())).ToList(),
            Footer = page.Page.Footer.Length == 0 ? null : page.Page.Footer.Length > MaxFooterLength ? page.Page.Footer[..MaxFooterLength] : page.Page.Footer,
        }).ToList();
        return JsonSerializer.Serialize(new Document(site.Home.AbsoluteUri, pages), Json);
    }

    /// <summary>Max-min fair shares: short pages keep all their text, long ones split what is left equally.</summary>
    private static int[] Share(List<int> lengths, int budget)
    {
        var shares = new int[lengths.Count];
        var remaining = budget;
        var order = lengths.Select((length, i) => (length, i)).OrderBy(x => x.length).ToList();
        for (var k = 0; k < order.Count; k++)
        {
            var fair = remaining / (order.Count - k);
            var share = Math.Min(order[k].length, fair);
            shares[order[k].i] = share;
            remaining -= share;
        }

        return shares;
    }

    private sealed record Document(string Website, IReadOnlyList<PageEntry> Pages);

    private sealed record PageEntry(string Url, string? Title, string? Description, string? SiteName, IReadOnlyList<string> Headings, string Text)
    {
        /// <summary>Prices with the title of their card or row: "Starter: $29 / month".</summary>
        public IReadOnlyList<string>? Prices { get; init; }

        /// <summary>Names listed together under a heading: logo walls (alt text) and comparison tables' columns.</summary>
        public IReadOnlyList<NameGroup>? NameGroups { get; init; }

        public string? Footer { get; init; }
    }

    private sealed record NameGroup(string? Heading, IReadOnlyList<string> Names);
}
