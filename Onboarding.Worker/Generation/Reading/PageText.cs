using System.Text.RegularExpressions;
using Onboarding.Worker.Crawling;

namespace Onboarding.Worker.Generation.Reading;

/// <summary>What a page is for, judged from its address and title; each extraction reads the kinds that speak to it.</summary>
internal enum PageKind
{
    Home,
    About,
    Product,
    Pricing,
    Customers,
    Compare,
    Audience,
    Contact,
    Legal,
    Blog,
    Careers,

    /// <summary>Documentation, guides and help: how to use the product, not what it is or whom it is for.</summary>
    Docs,
    Other,
}

internal enum LineKind
{
    /// <summary>One of the page's h1–h3.</summary>
    Heading,

    /// <summary>A sentence or more of running text.</summary>
    Prose,

    /// <summary>A label, list item, price or button text.</summary>
    Short,
}

internal sealed record TextLine(string Text, LineKind Kind, int Index);

/// <summary>One crawled page cleaned for reading: boilerplate (cookie notices, menus, footers) left out, lines typed.</summary>
internal sealed partial class PageText
{
    public required CrawledPage Page { get; init; }

    public required string Url { get; init; }

    public required int Order { get; init; }

    public required PageKind Kind { get; init; }

    public required string? Title { get; init; }

    public required string? Description { get; init; }

    public required string? SiteName { get; init; }

    public required IReadOnlyList<string> Headings { get; init; }

    public required IReadOnlyList<TextLine> Lines { get; init; }

    public bool IsHome => Kind == PageKind.Home;

    private string? _allText;

    /// <summary>Whether the page says <paramref name="value"/> anywhere (title, meta, headings, text), ignoring case.</summary>
    public bool Contains(string value)
    {
        // Built on first use; two threads building it at once build the same string.
        _allText ??= string.Join('\n', new[] { Title, Description, SiteName, Page.Footer }.OfType<string>().Concat(Headings).Concat(Lines.Select(l => l.Text))
            .Concat(Page.Prices.SelectMany(b => new[] { b.Title ?? "", b.Price })).Concat(Page.LogoWalls.SelectMany(w => w.Names)).Concat(Page.Addresses));
        return _allText.Contains(value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A page about the company's own people: team, staff, leadership.</summary>
    public bool IsTeam => Url.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(2)
        .Any(s => s is "team" or "people" or "staff" or "leadership" or "our-team" or "meet-the-team" or "founders" or "team.html" or "people.html");

    /// <summary>Pages that say nothing about the business itself.</summary>
    public bool IsNoise => Kind is PageKind.Legal or PageKind.Blog or PageKind.Careers or PageKind.Docs;

    /// <summary>The title cut at its separators ("Name | tagline", "Name — tagline", "Name: tagline").</summary>
    public IReadOnlyList<string> TitleSegments => Title is null
        ? []
        : TitleSeparator().Split(Title).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    /// <summary>Every sentence of running text on the page, in order.</summary>
    public IEnumerable<string> Sentences() =>
        Lines.Where(l => l.Kind == LineKind.Prose).SelectMany(l => Text.Sentences(l.Text));

    /// <summary>The first sentence of running text under a heading (questions skipped), before the next heading.</summary>
    public string? SentenceUnder(int headingLine)
    {
        for (var i = headingLine + 1; i < Lines.Count; i++)
        {
            var line = Lines[i];
            if (line.Kind == LineKind.Heading)
            {
                return null;
            }

            if (line.Kind == LineKind.Prose && !Text.LooksLikeCode(line.Text) && Text.Sentences(line.Text).FirstOrDefault(s => !Text.IsQuestion(s)) is { } sentence)
            {
                return sentence;
            }
        }

        return null;
    }

    /// <summary>The lines under a heading, up to the next heading.</summary>
    public IEnumerable<TextLine> LinesUnder(int headingLine)
    {
        for (var i = headingLine + 1; i < Lines.Count && Lines[i].Kind != LineKind.Heading; i++)
        {
            yield return Lines[i];
        }
    }

    [GeneratedRegex(@"\s+[|–—·•:~-]\s+|\s*[|–—·•]\s*|:\s+")]
    private static partial Regex TitleSeparator();
}
