using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Onboarding.Worker.Generation.Offline;

namespace Onboarding.Worker.Generation.Model;

/// <summary>
/// The crawled pages as one JSON document, the user message of every generation. As JSON strings, page text cannot
/// break out of its field or pose as part of the prompt, whatever it contains; the system prompt says it is data.
/// </summary>
internal static class PagesDocument
{
    private const int MaxHeadingsPerPage = 40;
    private const int MaxHeadingLength = 200;

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
            texts[i].Length > budgets[i] ? texts[i][..budgets[i]] : texts[i])).ToList();
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

    private sealed record PageEntry(string Url, string? Title, string? Description, string? SiteName, IReadOnlyList<string> Headings, string Text);
}
