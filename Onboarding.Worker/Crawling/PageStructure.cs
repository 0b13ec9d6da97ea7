using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Onboarding.Worker.Crawling;

/// <summary>A price as a page shows it, with the title of the card, row or column it stands in ("Starter", "$29 / month").</summary>
public sealed record PriceBlock(string? Title, string Price);

/// <summary>A group of names a page lists together (a logo wall's <c>alt</c> texts, a list's items) and the heading over it.</summary>
public sealed record NamedGroup(string? Heading, IReadOnlyList<string> Names);

/// <summary>
/// Reads what a page's markup says beyond its running text: price cards (the price with its plan's title, however
/// the markup splits them), logo walls (names are only in <c>alt</c>), the footer (where addresses and legal
/// entities live) and schema.org data (offers, postal addresses).
/// </summary>
public static partial class PageStructure
{
    private const int MaxPriceTextLength = 70;
    private const int MaxTitleLength = 60;
    private const int LevelsToCardTitle = 6;

    private static readonly string[] AddressParts = ["addressLocality", "addressRegion", "addressCountry"];

    public static string Footer(IDocument document)
    {
        var parts = document.QuerySelectorAll("footer, [role=contentinfo]").Select(f => Collapse(f.TextContent)).Where(t => t.Length > 0).Distinct();
        var text = string.Join("\n", parts);
        return text.Length <= 3000 ? text : text[..3000];
    }

    /// <summary>
    /// Every price on the page once: the smallest element whose text holds a whole price, widened to its short
    /// parent ("/ month" beside "$ 29"), with the nearest short text before it in its card as the title.
    /// </summary>
    public static List<PriceBlock> Prices(IElement root)
    {
        var blocks = new List<PriceBlock>();
        var taken = new HashSet<IElement>();
        foreach (var element in root.QuerySelectorAll("*"))
        {
            if (element.LocalName is "script" or "style" or "a" or "button" or "option" or "nav" or "template")
            {
                continue;
            }

            var text = Collapse(element.TextContent);
            var isPrice = text.Length <= MaxPriceTextLength && PriceText.Price.IsMatch(text);
            if (!isPrice && !(text.Length <= 20 && PriceText.IsWordPrice(text) && IsPriceSlot(element)))
            {
                continue;
            }

            // The smallest element holding the price: a child that holds it too wins.
            if (element.Children.Any(c => Collapse(c.TextContent) is var t && (PriceText.Price.IsMatch(t) || PriceText.IsWordPrice(t))))
            {
                continue;
            }

            // Widened to a parent that only adds after it ("$ 29" then "/ month"), never to one with a title before it.
            var price = element;
            while (price.ParentElement is { } parent && parent != root && Collapse(parent.TextContent) is var wider
                   && wider.Length <= MaxPriceTextLength && wider.StartsWith(Collapse(price.TextContent), StringComparison.Ordinal)
                   && parent.LocalName is not ("body" or "p") && parent.QuerySelector("a, button") is null)
            {
                price = parent;
            }

            if (!taken.Add(price) || Within(price, "a", "button", "nav", "header", "footer"))
            {
                continue;
            }

            var shown = PriceText.Tidy(Collapse(price.TextContent));
            // The period in the element after the price: "$ 29" then "/ month".
            if (price.NextElementSibling is { } next && Collapse(next.TextContent) is { Length: > 0 and <= 30 } period && Period().IsMatch(period))
            {
                shown += " " + period;
            }

            if (Within(element, "del", "s", "strike") && shown == PriceText.Tidy(Collapse(element.TextContent)))
            {
                continue;
            }

            blocks.Add(new PriceBlock(TitleBefore(price), shown));
        }

        // A page may repeat its table for small screens: the first sighting of a title and price stands.
        return blocks.DistinctBy(b => (b.Title, PriceText.Price.Match(b.Price).Value)).ToList();
    }

    /// <summary>"Free" or "Contact us" counts as a price only where a price stands: an element named for it.</summary>
    private static bool IsPriceSlot(IElement element)
    {
        var names = (element.ClassName ?? "") + " " + (element.ParentElement?.ClassName ?? "");
        return names.Contains("price", StringComparison.OrdinalIgnoreCase) || names.Contains("cost", StringComparison.OrdinalIgnoreCase)
            || names.Contains("amount", StringComparison.OrdinalIgnoreCase);
    }

    private static string? TitleBefore(IElement price)
    {
        var node = price;
        for (var level = 0; level < LevelsToCardTitle && node.ParentElement is { } parent; level++, node = parent)
        {
            for (var sibling = node.PreviousElementSibling; sibling is not null; sibling = sibling.PreviousElementSibling)
            {
                var text = Collapse(sibling.TextContent).Trim(' ', ':', '-', '–', '—');
                if (text.Length == 0 || PriceText.Price.IsMatch(text) || sibling.LocalName is "script" or "style" or "img" or "input")
                {
                    continue;
                }

                // A title has words; a switch ("/year /month", "Pay monthly Pay yearly") sits above every card alike.
                if (text.Length <= MaxTitleLength && WordCount(text) <= 7 && text.Any(char.IsLetter) && text[0] is not ('/' or '(' or '*'))
                {
                    return text;
                }

                // A long block (a description, a feature list) between: the heading inside it, if any, else keep looking.
                if (sibling.QuerySelector("h1, h2, h3, h4, h5, h6, strong, b") is { } inner && Collapse(inner.TextContent) is { Length: > 0 and <= MaxTitleLength } title)
                {
                    return title;
                }
            }
        }

        return null;
    }

    /// <summary>Groups of three or more images side by side with names in <c>alt</c> (a logo wall), under the nearest heading.</summary>
    public static List<NamedGroup> LogoWalls(IElement root)
    {
        var groups = new List<NamedGroup>();
        var used = new HashSet<IElement>();
        foreach (var image in root.QuerySelectorAll("img[alt]"))
        {
            if (used.Contains(image))
            {
                continue;
            }

            // The smallest ancestor holding three named images is the wall.
            for (var wall = image.ParentElement; wall is not null && wall != root.ParentElement; wall = wall.ParentElement)
            {
                var images = wall.QuerySelectorAll("img[alt]").ToList();
                var names = images.Select(i => LogoName(i.GetAttribute("alt"))).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (names.Count >= 3 && Collapse(wall.TextContent).Length < names.Sum(n => n.Length) + 400)
                {
                    used.UnionWith(images);
                    groups.Add(new NamedGroup(HeadingOver(wall), names));
                    break;
                }

                if (Collapse(wall.TextContent).Length > 2000)
                {
                    break;
                }
            }
        }

        return groups;
    }

    private static string? LogoName(string? alt)
    {
        var name = LogoWord().Replace(Collapse(alt), "").Trim(' ', '-', '|', ',');
        return name.Length is >= 2 and <= 40 && WordCount(name) <= 5 && !GenericAlt().IsMatch(name) ? name : null;
    }

    /// <summary>The heading a group sits under: one inside it before the names, else the nearest one before it in the document.</summary>
    private static string? HeadingOver(IElement group)
    {
        if (group.QuerySelector("h1, h2, h3, h4, h5, h6") is { } inside)
        {
            return Collapse(inside.TextContent);
        }

        for (var node = group; node is not null; node = node.ParentElement)
        {
            for (var sibling = node.PreviousElementSibling; sibling is not null; sibling = sibling.PreviousElementSibling)
            {
                var heading = sibling.LocalName is "h1" or "h2" or "h3" or "h4" or "h5" or "h6" ? sibling
                    : sibling.QuerySelectorAll("h1, h2, h3, h4, h5, h6") is { Length: > 0 } headings ? headings[^1] : null;
                if (heading is not null)
                {
                    return Collapse(heading.TextContent);
                }

                // A short line standing as a heading: "Trusted by", "As featured in".
                var text = Collapse(sibling.TextContent);
                if (text.Length is > 0 and <= 60)
                {
                    return text;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Comparison tables: a table whose header names the products compared, one per column after the first
    /// ("Feature | Acme | Globex | Initech"), and whose cells are marks or short values (✓, ✗, Yes, No, $29).
    /// </summary>
    public static List<NamedGroup> ComparisonTables(IElement root)
    {
        var tables = new List<NamedGroup>();
        foreach (var table in root.QuerySelectorAll("table"))
        {
            var rows = table.QuerySelectorAll("tr").ToList();
            if (rows.Count < 3)
            {
                continue;
            }

            var header = rows[0].Children.Where(c => c.LocalName is "th" or "td").Select(c => Collapse(c.TextContent)).ToList();
            var names = header.Skip(1).Where(h => h.Length is >= 2 and <= 30 && char.IsUpper(h[0]) && WordCount(h) <= 3).ToList();
            var cells = rows.Skip(1).SelectMany(r => r.Children.Skip(1)).Select(c => Collapse(c.TextContent)).ToList();
            var marks = cells.Count(c => c.Length <= 12);
            if (names.Count >= 2 && names.Count == header.Count - 1 && cells.Count > 0 && marks >= cells.Count * 0.7)
            {
                tables.Add(new NamedGroup(HeadingOver(table), names));
            }
        }

        return tables;
    }

    /// <summary>schema.org data in JSON-LD: offers (name and price) and postal addresses ("Sarasota, FL, USA").</summary>
    public static (List<PriceBlock> Offers, List<string> Addresses) StructuredData(IDocument document)
    {
        var offers = new List<PriceBlock>();
        var addresses = new List<string>();
        foreach (var script in document.QuerySelectorAll("script[type='application/ld+json']"))
        {
            try
            {
                // Some sites concatenate objects in one script; each is read on its own.
                var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(script.TextContent),
                    new JsonReaderOptions { AllowMultipleValues = true, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                while (JsonDocument.TryParseValue(ref reader, out var json))
                {
                    using (json)
                    {
                        Walk(json.RootElement, null, offers, addresses, 0);
                    }
                }
            }
            catch (JsonException)
            {
                // Malformed JSON-LD is common; what was read before the fault stands.
            }
        }

        return (offers.DistinctBy(o => o.Title + o.Price).ToList(), addresses.Distinct().ToList());
    }

    private static void Walk(JsonElement element, string? name, List<PriceBlock> offers, List<string> addresses, int depth)
    {
        if (depth > 12)
        {
            return;
        }

        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Walk(item, name, offers, addresses, depth + 1);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var type = element.TryGetProperty("@type", out var t) ? t.ToString() : "";
        var ownName = element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (type.Contains("Offer", StringComparison.Ordinal) && Value(element, "price") is { Length: > 0 } price && name is not null)
        {
            var currency = Value(element, "priceCurrency") ?? "";
            offers.Add(new PriceBlock(name, $"{price} {currency}".Trim()));
        }

        if (type == "PostalAddress")
        {
            var parts = AddressParts.Select(p => Value(element, p)).OfType<string>().Where(p => p.Length > 0);
            var address = string.Join(", ", parts.Distinct());
            if (address.Length > 0)
            {
                addresses.Add(address);
            }
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && property.Name is not ("seller" or "brand" or "author" or "publisher" or "shippingDetails"))
            {
                Walk(property.Value, type.Contains("Product", StringComparison.Ordinal) || type.Contains("Service", StringComparison.Ordinal) ? ownName : name, offers, addresses, depth + 1);
            }
        }
    }

    private static string? Value(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => Collapse(value.GetString()),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Object when value.TryGetProperty("name", out var name) => Collapse(name.ToString()),
            _ => null,
        } : null;

    private static bool Within(IElement element, params string[] names)
    {
        for (var node = element; node is not null; node = node.ParentElement)
        {
            if (names.Contains(node.LocalName))
            {
                return true;
            }
        }

        return false;
    }

    public static string Collapse(string? text) => string.IsNullOrEmpty(text) ? "" : Spaces().Replace(text, " ").Trim();

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?:/|per|a|an|each)\s*\p{L}+(?:\s*(?:/|per)\s*\p{L}+)?\.?$|^(?:monthly|yearly|annually|par mois|al mes|pro Monat)$", RegexOptions.IgnoreCase)]
    private static partial Regex Period();

    [GeneratedRegex(@"\b(?:logo(?:type)?|icon|image|img|picture|photo|banner)\b", RegexOptions.IgnoreCase)]
    private static partial Regex LogoWord();

    [GeneratedRegex(@"^(?:a|an|the|screenshot|avatar|arrow|\d+|star|stars|check|close|menu|user|profile|hero|background)$", RegexOptions.IgnoreCase)]
    private static partial Regex GenericAlt();
}
