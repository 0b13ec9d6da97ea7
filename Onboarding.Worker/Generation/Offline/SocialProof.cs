using System.Text.RegularExpressions;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>
/// Who vouches for the company: named customers (case studies, testimonials, "trusted by … such as", logo walls
/// under a customer heading, showcase pages, project bullets), and the press and sponsors that are not customers.
/// What a list is comes from the heading over it: integrations and partners are never customers.
/// </summary>
internal static partial class SocialProof
{
    private const int MaxCustomers = 8;

    /// <summary>
    /// Named customers: case-study headings on customer pages ("How Shopify …", "Barry's saves …"), lists after
    /// "customers include" / "trusted by … including", and testimonial attributions ("— Controller, Eventbrite").
    /// </summary>
    public static List<Candidate> Customers(SiteText site, string name)
    {
        var evidence = new Evidence();
        var own = Text.Compact(name);
        var brand = Text.Words(name).FirstOrDefault() ?? name;
        void AddName(string value, double weight, PageText page)
        {
            value = value.Trim().TrimEnd('.', ',', ';', ':', '!');
            if (value.EndsWith("'s", StringComparison.Ordinal) && Text.Words(value).Count > 1)
            {
                value = value[..^2];
            }

            var compact = Text.Compact(value);
            if (CompanyNames.IsCompanyName(value) && compact != own && !compact.StartsWith(Text.Compact(brand), StringComparison.Ordinal))
            {
                evidence.Add(value, weight, page, compact);
            }
        }

        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            if (page.Kind == PageKind.Customers)
            {
                foreach (var heading in page.Lines.Where(l => l.Kind == LineKind.Heading))
                {
                    if (CaseStudyHeading().Match(heading.Text) is { Success: true } story)
                    {
                        AddName(story.Groups["name"].Value, 3, page);
                    }
                }
            }

            var lines = page.Lines;
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                if (Attribution().Match(line.Text) is { Success: true } attribution)
                {
                    AddName(attribution.Groups["company"].Value, 2, page);
                }

                // "… customers include Shopify, Anduril and Zola." names follow the cue in the same sentence.
                if (CustomerCue().Match(line.Text) is { Success: true } cue)
                {
                    var after = line.Text[(cue.Index + cue.Length)..];
                    var sentenceEnd = after.IndexOfAny(['.', ';', '!', '?']);
                    foreach (var item in ListItems(sentenceEnd >= 0 ? after[..sentenceEnd] : after))
                    {
                        AddName(item, 2, page);
                    }
                }

                // Logo walls: a "Trusted by …" / "Powering …" line followed by lines that are each one name.
                if (CustomerCueAlone().IsMatch(line.Text))
                {
                    for (var j = i + 1; j < lines.Count && lines[j].Kind == LineKind.Short && j <= i + 12; j++)
                    {
                        AddName(lines[j].Text, 1.5, page);
                    }
                }
            }
        }

        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            // Logo walls under a heading that names them customers ("Trusted by", "Used in production").
            foreach (var wall in page.Page.LogoWalls.Where(w => KindOf(w.Heading) == GroupKind.Customers))
            {
                foreach (var logo in wall.Names)
                {
                    AddName(logo, 2, page);
                }
            }

            // A showcase page: three or more headings that are each a name.
            if (page.Kind == PageKind.Customers)
            {
                var named = page.Lines.Where(l => l.Kind == LineKind.Heading && CompanyNames.IsCompanyName(l.Text) && Text.WordCount(l.Text) <= 3).ToList();
                if (named.Count >= 3)
                {
                    foreach (var heading in named)
                    {
                        AddName(heading.Text, 1.5, page);
                    }
                }
            }

            // Project bullets on case-study and services pages: "Built a public health data system for the CDC".
            if (page.Kind is PageKind.Customers or PageKind.Product or PageKind.Other or PageKind.About)
            {
                foreach (var line in page.Lines.Where(l => l.Kind == LineKind.Prose && ProjectBullet().IsMatch(l.Text)))
                {
                    foreach (Match client in ClientOfProject().Matches(line.Text))
                    {
                        AddName(client.Groups["name"].Value.TrimEnd('’', '\'').Replace("’s", "", StringComparison.Ordinal), 1.5, page);
                    }
                }
            }
        }

        return evidence.Top(MaxCustomers, minimum: 1.5, distinct: false);
    }

    public enum GroupKind
    {
        Other,
        Customers,
        Press,
        Sponsors,
        Integrations,
        Partners,
    }

    /// <summary>What a group of names is, from the heading over it: customers, press, sponsors, integrations or partners.</summary>
    public static GroupKind KindOf(string? heading) => heading is null ? GroupKind.Other
        : IntegrationHeading().IsMatch(heading) ? GroupKind.Integrations
        : PressHeading().IsMatch(heading) ? GroupKind.Press
        : SponsorHeading().IsMatch(heading) ? GroupKind.Sponsors
        : PartnerHeading().IsMatch(heading) ? GroupKind.Partners
        : CustomerHeading().IsMatch(heading) ? GroupKind.Customers
        : GroupKind.Other;

    /// <summary>
    /// Social proof that is not a customer: the press that wrote about the company and the sponsors that fund it,
    /// from logo walls and from the short lines under a heading that names them ("In the Press", "Sponsors").
    /// </summary>
    public static List<(string Text, PageText Page)> Recognition(SiteText site)
    {
        var found = new List<(string Text, PageText Page)>();
        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            var groups = page.Page.LogoWalls.Select(w => (Kind: KindOf(w.Heading), w.Names)).ToList();
            foreach (var heading in page.Lines.Where(l => l.Kind == LineKind.Heading))
            {
                var kind = KindOf(heading.Text);
                if (kind is GroupKind.Press or GroupKind.Sponsors)
                {
                    // A byline ("By Jane Doe") names the writer, not the publication.
                    var names = page.LinesUnder(heading.Index).Where(l => !l.Text.StartsWith("By ", StringComparison.Ordinal)).Take(15)
                        .Select(l => l.Text.Split([',', '"', '“', '—', '–', '|'])[0].Trim()).Where(CompanyNames.IsCompanyName).ToList();
                    groups.Add((kind, names));
                }
            }

            groups.Add((GroupKind.Integrations, page.Page.LogoWalls.Where(w => KindOf(w.Heading) == GroupKind.Integrations).SelectMany(w => w.Names).ToList()));
            foreach (var sentence in page.Sentences())
            {
                // "We support repositories on GitHub, GitLab and Bitbucket", "integrates with Slack and Zoom".
                if (WorksWith().Match(sentence) is { Success: true } with)
                {
                    var rest = sentence[(with.Index + with.Length)..];
                    var end = rest.IndexOfAny(['.', ';', '!', '?', '(']);
                    var names = ListItems(end >= 0 ? rest[..end] : rest).Where(CompanyNames.IsCompanyName).ToList();
                    if (names.Count >= 2)
                    {
                        groups.Add((GroupKind.Integrations, names));
                    }
                }
            }

            foreach (var kind in new[] { GroupKind.Press, GroupKind.Sponsors, GroupKind.Integrations })
            {
                var names = groups.Where(g => g.Kind == kind).SelectMany(g => g.Names).Distinct(StringComparer.OrdinalIgnoreCase).Take(12).ToList();
                if (names.Count > 0 && !found.Any(f => f.Text.StartsWith(Label(kind), StringComparison.Ordinal)))
                {
                    found.Add(($"{Label(kind)}: {string.Join(", ", names)}", page));
                }
            }
        }

        return found;

        static string Label(GroupKind kind) => kind switch
        {
            GroupKind.Press => "Covered by the press",
            GroupKind.Sponsors => "Funded by sponsors",
            _ => "Works with",
        };
    }

    private static IEnumerable<string> ListItems(string text) =>
        ListSeparator().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);


    [GeneratedRegex(@"^(?:How\s+(?<name>\p{Lu}[\p{L}\p{N}'’&.-]*(?:\s+\p{Lu}[\p{L}\p{N}'’&.-]*){0,3})\s+\p{Ll}|(?<name>\p{Lu}[\p{L}\p{N}'’&.-]*(?:\s+\p{Lu}[\p{L}\p{N}'’&.-]*){0,3})\s+(?:saves?|saved|cuts?|uses?|used|grew|grows|scaled|scales|reduced|reduces|moved|switched|automated|automates|consolidated|increased|closes|closed|gets|got|built|builds|runs|manages|managed|replaced|boosted|improved|achieved|eliminated|streamlined|transformed|doubled|tripled|launched|migrated|chose|trusts)\b)")]
    private static partial Regex CaseStudyHeading();

    [GeneratedRegex(@"^[—–~-]\s*(?:[^,]{1,60},\s*)?(?:[^,]{1,60}?(?:\s+at\s+|,\s*|\s+@\s*))(?<company>\p{Lu}[\p{L}\p{N}'’&. -]{0,40})$")]
    private static partial Regex Attribution();

    [GeneratedRegex(@"\b(?:customers|clients) (?:include|including|like|such as)\b:?|\b(?:trusted|used|loved|chosen) by\b[^.;]*?\b(?:including|like|such as|such \w+ as)\b:?|\b(?:used|trusted|deployed|running) in production (?:by|at)\b:?|\bcompanies (?:like|such as)\b|\bteams at\b", RegexOptions.IgnoreCase)]
    private static partial Regex CustomerCue();

    [GeneratedRegex(@"^(?:(?:trusted|used|loved|chosen|relied on) by|powering|powers|join|joining)\b|^(?:our )?customers include:?$", RegexOptions.IgnoreCase)]
    private static partial Regex CustomerCueAlone();

    [GeneratedRegex(@",\s*(?:and|&)\s+|\s+(?:and|&)\s+|,\s*")]
    private static partial Regex ListSeparator();

    [GeneratedRegex(@"\b(?:trusted|used|loved|chosen|relied on|customers|clients|companies|teams|organi[sz]ations|brands|in production|who uses|powering|users|case stud|success stor|our work)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CustomerHeading();

    [GeneratedRegex(@"\b(?:press|featured|as seen|in the news|media|coverage|reviewed|mentioned)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PressHeading();

    [GeneratedRegex(@"\b(?:sponsor\w*|funders?|funded|backed|backers|supporters|donors|investors)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SponsorHeading();

    [GeneratedRegex(@"\bintegrat\w*|\bworks with\b|\bconnects? (?:to|with)\b|\bbuilt for\b|\bcompatible\b|\bplugins?\b|\bsupported (?:platforms|tools)\b|\bgenerators?\b", RegexOptions.IgnoreCase)]
    private static partial Regex IntegrationHeading();

    [GeneratedRegex(@"\b(?:integrates? (?:natively )?with|works? (?:seamlessly )?with|connects? (?:to|with)|plugs? into|support(?:s)? (?:[\p{Ll} ]{0,40}? )?(?:on|from|for))\s+", RegexOptions.IgnoreCase)]
    private static partial Regex WorksWith();

    [GeneratedRegex(@"\bpartners?\b|\bpartnerships?\b", RegexOptions.IgnoreCase)]
    private static partial Regex PartnerHeading();

    // A project told as done: "Built …", "Supported …", "Prototyped …".
    [GeneratedRegex(@"^(?:Built|Supported|Prototyped|Designed|Developed|Delivered|Helped|Grew|Led|Modernized|Modernised|Launched|Created|Migrated|Redesigned|Implemented)\b")]
    private static partial Regex ProjectBullet();

    // "… for the CDC", "… for the U.S. Air Force’s …", "Supported the Department of Veterans Affairs".
    [GeneratedRegex(@"(?:\bfor|\bwith|^Supported|^Helped) (?:the )?(?<name>(?:U\.S\. )?\p{Lu}[\p{L}.]*(?:\s(?:of |and )?\p{Lu}[\p{L}.]*){0,3}(?:’s)?)")]
    private static partial Regex ClientOfProject();
}
