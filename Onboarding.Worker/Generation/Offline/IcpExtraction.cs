using System.Text.RegularExpressions;
using Onboarding.Data.Model;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>The ideal customer profile from the pages alone: who the site addresses, what hurts them, what they do with it.</summary>
internal static partial class IcpExtraction
{
    private const int MaxItems = 6;
    private const int MaxUseCases = 8;

    // Addressed ("for …", "… use Acme") or an audience page's heading, never a passing mention alone.
    private static readonly MentionWeights IndustryWeights = new(Target: 3, Heading: 2, Plain: 0.5);
    private static readonly MentionWeights SizeWeights = new(Target: 3, Heading: 3, Plain: 1, FromCountsAsTarget: true);
    private static readonly MentionWeights RoleWeights = new(Target: 3, Heading: 2, Plain: 1);

    /// <summary>Industries that read as kinds of organisation ("agencies") rather than sectors ("healthcare").</summary>
    private static readonly HashSet<string> OrganisationTypes = new(StringComparer.Ordinal) { "Agencies", "Nonprofits" };

    public static IdealCustomerProfile Extract(SiteText site)
    {
        var sources = new SourceMap();
        var name = CompanyNames.Of(site).Value;
        var brand = Text.Words(name).FirstOrDefault() ?? name;

        var industries = Mentions.Collect(site, Vocabulary.Industries, IndustryWeights).Top(MaxItems, minimum: 3, distinct: false);
        sources.Add("industries", industries);

        var sizes = CompanySizes(site);
        sources.Add("companySizes", sizes);

        var roles = Roles(site);
        sources.Add("roles", roles);

        var painPoints = PainPoints(site, brand);
        sources.Add("painPoints", painPoints);

        var (useCases, statedNeed) = UseCases(site, name, brand);
        sources.Add("useCases", useCases);

        var regions = Regions(site);
        sources.Add("regions", regions);

        var summary = Summary(roles, sizes, industries, statedNeed);
        if (summary is not null)
        {
            sources.Add("summary", roles.Concat(sizes).Concat(industries).SelectMany(c => c.Pages).Concat(statedNeed is null ? [] : statedNeed.Pages));
        }

        return new IdealCustomerProfile
        {
            Summary = summary,
            Industries = industries.Select(c => c.Value).ToList(),
            CompanySizes = sizes.Select(c => c.Value).ToList(),
            Roles = roles.Select(c => c.Value).ToList(),
            PainPoints = painPoints.Select(c => c.Value).ToList(),
            UseCases = useCases.Select(c => c.Value).ToList(),
            Regions = regions.Select(c => c.Value).ToList(),
            Sources = sources.Build(),
            Evidence = sources.Evidence(new Dictionary<string, IEnumerable<string?>>
            {
                ["summary"] = [summary],
                ["industries"] = industries.Select(c => c.Value),
                ["companySizes"] = sizes.Select(c => c.Value),
                ["roles"] = roles.Select(c => c.Value),
                ["painPoints"] = painPoints.Select(c => c.Value),
                ["useCases"] = useCases.Select(c => c.Value),
                ["regions"] = regions.Select(c => c.Value),
            }),
        };
    }

    private static List<Candidate> CompanySizes(SiteText site)
    {
        var evidence = Mentions.Collect(site, Vocabulary.CompanySizes, SizeWeights);
        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            foreach (var line in page.Lines.Where(l => l.Kind == LineKind.Heading && string.Equals(l.Text, "Enterprise", StringComparison.OrdinalIgnoreCase)))
            {
                // An "Enterprise" plan or section: the site sells to large companies.
                evidence.Add("Enterprises", page.Kind == PageKind.Pricing ? 2 : 3, page);
            }

            foreach (var text in page.Lines.Where(l => l.Kind != LineKind.Short).Select(l => l.Text).Append(page.Description ?? ""))
            {
                foreach (Match match in EmployeeRange().Matches(text))
                {
                    var from = match.Groups["from"].Value;
                    var range = match.Groups["to"].Success ? $"{from}–{match.Groups["to"].Value} employees" : $"{from}+ employees";
                    evidence.Add(range, 3, page);
                }
            }
        }

        var sizes = evidence.Top(5, minimum: 2, distinct: false);
        // "All sizes" adds nothing once specific sizes are named.
        return sizes.Count(s => s.Value != "Businesses of all sizes") >= 2 ? sizes.Where(s => s.Value != "Businesses of all sizes").ToList() : sizes;
    }

    private static List<Candidate> Roles(SiteText site)
    {
        var evidence = Mentions.Collect(site, Vocabulary.Roles, RoleWeights);
        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            // A testimonial's attribution names the customer's role ("— Controller, Eventbrite").
            foreach (var line in page.Lines.Where(l => l.Text.Length > 2 && l.Text[0] is '—' or '–' or '~' or '-'))
            {
                foreach (var term in Vocabulary.Roles.Where(t => t.Pattern.IsMatch(line.Text)))
                {
                    evidence.Add(term.Display, 2, page);
                }
            }
        }

        return evidence.Top(MaxItems, minimum: 2, distinct: false);
    }

    /// <summary>
    /// Problems the customer has, in the site's words: what follows "tired of", "no more", "struggle to" …, and
    /// sentences that describe a problem (several problem words, or one with "hard", "struggle", "before" …).
    /// Sentences where the company describes itself are benefits, not pains.
    /// </summary>
    private static List<Candidate> PainPoints(SiteText site, string brand)
    {
        var evidence = new Evidence();
        foreach (var page in site.Pages.Where(p => !p.IsNoise && p.Kind is not (PageKind.Pricing or PageKind.Contact)))
        {
            var weight = page.Kind == PageKind.About ? 0.8 : 1;
            foreach (var sentence in page.Sentences().Concat(page.Lines.Where(l => l.Kind == LineKind.Heading).Select(l => l.Text)))
            {
                if (Text.LooksLikeCode(sentence))
                {
                    continue;
                }

                var plain = sentence.Trim().Trim('"', '“', '”');
                foreach (Match match in PainPhrase().Matches(plain))
                {
                    // "struggle to find …" → "Struggling to find …"; "no need to dig …" → "Having to dig …"; "tired of X" → "X".
                    var trigger = match.Groups["trigger"].Value.ToLowerInvariant();
                    var lead = trigger.StartsWith("struggl", StringComparison.Ordinal) ? "struggling " + trigger[(trigger.IndexOf(' ', StringComparison.Ordinal) + 1)..] + " "
                        : trigger is "no need to" or "no longer have to" ? "having to "
                        : "";
                    var phrase = lead + Cut(match.Groups["pain"].Value);
                    if (Text.WordCount(phrase) is >= 2 and <= 16 && !PronounOnly().IsMatch(phrase))
                    {
                        evidence.Add(Text.Capitalize(phrase), 3 * weight, page);
                    }
                }

                var cues = PainCue().Count(plain);
                var words = Text.WordCount(plain);
                var framed = ProblemFrame().IsMatch(plain);
                var selfPraise = plain.StartsWith(brand + " ", StringComparison.Ordinal) && !plain.Contains("before", StringComparison.OrdinalIgnoreCase);
                if (words is >= 6 and <= 40 && !Text.IsQuestion(plain) && !selfPraise && (cues >= 2 || cues >= 1 && framed))
                {
                    evidence.Add(Text.Truncate(plain, 200), (1 + cues * 0.5) * weight, page);
                }
            }
        }

        return evidence.Top(MaxItems, minimum: 1.5);
    }

    /// <summary>
    /// What customers do with the offering: "helps teams plan menus, control food costs and grow their business",
    /// "use Acme to …", "so you can …", then imperative headings and sentences of the home and product pages.
    /// The first stated need (the "helps … / use … to" kind) also completes the summary.
    /// </summary>
    private static (List<Candidate> UseCases, Candidate? StatedNeed) UseCases(SiteText site, string name, string brand)
    {
        var evidence = new Evidence();
        // What customers are said to want, best first: "use Acme to …" is theirs, "helps … to …" the company's claim.
        (Candidate Need, int Rank)? statedNeed = null;
        var useBrand = new Regex(@"\buse[sd]?\s+(?:" + Regex.Escape(name) + "|" + Regex.Escape(brand) + @"|it|us)\s+to\s+(?<need>[^.;:!?]{6,160})", RegexOptions.IgnoreCase);
        var patterns = new[] { useBrand, HelpsTo(), SoTheyCan() };
        foreach (var page in site.Pages.Where(p => !p.IsNoise && p.Kind is not (PageKind.Pricing or PageKind.Contact)))
        {
            foreach (var sentence in page.Sentences().Concat(Text.Sentences(page.Description ?? "")))
            {
                for (var rank = 0; rank < patterns.Length; rank++)
                {
                    foreach (Match match in patterns[rank].Matches(sentence))
                    {
                        var need = Cut(match.Groups["need"].Value);
                        if (Text.WordCount(need) < 2 || !char.IsLower(need[0]) || PronounOnly().IsMatch(need))
                        {
                            continue;
                        }

                        if (statedNeed is null || rank < statedNeed.Value.Rank)
                        {
                            var candidate = new Candidate(Text.Key(need), need, 0);
                            candidate.See(need, 1, page);
                            statedNeed = (candidate, rank);
                        }

                        foreach (var part in SplitActions(need))
                        {
                            evidence.Add(Text.Capitalize(part), 3, page);
                        }
                    }
                }
            }
        }

        foreach (var page in site.Pages.Where(p => p.Kind is PageKind.Home or PageKind.Product or PageKind.Other or PageKind.Audience))
        {
            var weight = page.Kind is PageKind.Home or PageKind.Product ? 2 : 1.5;
            foreach (var heading in page.Lines.Where(l => l.Kind == LineKind.Heading).Select(l => l.Text))
            {
                if (IsImperative(heading) && !Text.EndsSentence(heading))
                {
                    evidence.Add(Cut(heading), weight, page);
                }
            }

            foreach (var sentence in page.Sentences())
            {
                if (IsImperative(sentence) && Text.WordCount(sentence) is >= 3 and <= 25 && !Text.LooksLikeCode(sentence))
                {
                    evidence.Add(Cut(sentence.TrimEnd('.', '!')), weight - 0.5, page);
                }
            }
        }

        return (evidence.Top(MaxUseCases, minimum: 1), statedNeed?.Need);
    }

    private static bool IsImperative(string text)
    {
        var words = Text.Words(text);
        // "Issue tracking", "Order management": the "verb" is a noun there, the second word says so.
        return words.Count >= 2 && Vocabulary.ActionVerbs.Contains(words[0]) && !Vocabulary.CallToActionStarts.Contains(words[0]) && char.IsUpper(text[0])
            && words[1] is not ("started" or "demo" or "free" or "in" or "up") && !NounHeads.Contains(words[1]);
    }

    private static readonly HashSet<string> NounHeads = new(StringComparer.OrdinalIgnoreCase)
    {
        "tracking", "tracker", "management", "planning", "processing", "reporting", "matching", "routing", "billing", "scheduling",
        "monitoring", "analytics", "automation", "history", "status", "templates", "forms", "numbers",
    };

    /// <summary>"plan menus, control food costs and grow their business" → three actions, split only where a verb starts the next part.</summary>
    private static List<string> SplitActions(string need)
    {
        var parts = ActionSeparator().Split(need).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (parts.Count < 2 || parts.Skip(1).Any(p => !Vocabulary.ActionVerbs.Contains(Text.Words(p).FirstOrDefault() ?? "")))
        {
            return [need];
        }

        return parts;
    }

    /// <summary>Keeps the core of a phrase: up to ", so …", ", with …", ", not …" and at most 14 words.</summary>
    private static string Cut(string phrase)
    {
        phrase = phrase.Trim().Trim('"', '“', '”');
        var cut = PhraseCut().Match(phrase);
        if (cut.Success && cut.Index > 0)
        {
            phrase = phrase[..cut.Index];
        }

        if (Text.WordCount(phrase) > 14 && LongPhraseCut().Match(phrase) is { Success: true, Index: > 0 } looser)
        {
            phrase = phrase[..looser.Index];
        }

        return Text.Truncate(phrase.Trim().TrimEnd(',', ';', ':'), 140);
    }

    /// <summary>Where customers are: countries and regions the site says it serves, sells or operates in, and "worldwide".</summary>
    private static List<Candidate> Regions(SiteText site)
    {
        var evidence = new Evidence();
        foreach (var page in site.Pages.Where(p => !p.IsNoise))
        {
            foreach (var text in page.Lines.Where(l => l.Kind != LineKind.Short).SelectMany(l => Text.Sentences(l.Text)).Concat(Text.Sentences(page.Description ?? "")))
            {
                if (Worldwide().IsMatch(text))
                {
                    evidence.Add("Global", 2, page);
                }

                if (ServingIn().Match(text) is not { Success: true } serving)
                {
                    continue;
                }

                var list = text[(serving.Index + serving.Length)..];
                foreach (var term in Vocabulary.Regions)
                {
                    if (term.Pattern.Match(list) is { Success: true } match && !list[..match.Index].Contains('.', StringComparison.Ordinal))
                    {
                        evidence.Add(term.Display, 2, page);
                    }
                }
            }
        }

        return evidence.Top(MaxItems, minimum: 2, distinct: false);
    }

    /// <summary>
    /// One or two sentences built only from what was found: "Finance teams, controllers and VPs of finance at
    /// startups, mid-market companies and enterprises. They want to control spend." Null when nothing was found.
    /// </summary>
    private static string? Summary(List<Candidate> roles, List<Candidate> sizes, List<Candidate> industries, Candidate? statedNeed)
    {
        var who = roles.Take(3).Select(r => Lower(r.Value)).ToList();
        var organisations = sizes.Select(s => s.Value).OrderBy(SizeOrder).Take(3).Select(Lower)
            .Concat(industries.Where(i => OrganisationTypes.Contains(i.Value)).Select(i => Lower(i.Value)))
            .ToList();
        var sectors = industries.Where(i => !OrganisationTypes.Contains(i.Value)).Take(3).Select(i => Lower(i.Value)).ToList();

        string? first = null;
        if (who.Count > 0)
        {
            first = Text.JoinList(who) + (organisations.Count > 0 ? " at " + Text.JoinList(organisations) : "");
        }
        else if (organisations.Count > 0)
        {
            first = Text.JoinList(organisations);
        }

        if (sectors.Count > 0)
        {
            first = (first ?? "Businesses") + " in " + Text.JoinList(sectors);
        }

        if (first is null)
        {
            return null;
        }

        var summary = Text.Capitalize(first) + ".";
        if (statedNeed is not null)
        {
            summary += " They want to " + char.ToLowerInvariant(statedNeed.Value[0]) + statedNeed.Value[1..].TrimEnd('.') + ".";
        }

        return summary;
    }

    private static int SizeOrder(string size) =>
        Vocabulary.CompanySizes.Select((t, i) => (t.Display, i)).FirstOrDefault(t => t.Display == size) is { Display: not null } found ? found.i : -1;

    /// <summary>Lower case for the middle of a sentence, acronyms kept ("CFOs", "VPs of finance", "AP teams").</summary>
    private static string Lower(string value) =>
        string.Join(' ', value.Split(' ').Select(w => w.Length > 1 && w.Skip(1).Any(char.IsUpper) ? w : w.ToLowerInvariant()));

    [GeneratedRegex(@"\b(?<trigger>tired of|sick of|struggl(?:e|es|ing) (?:with|to)|frustrated (?:by|with)|no more|say goodbye to|get rid of|ditch(?:ing)?|eliminat(?:e|es|ing)|instead of|never again|no need to|no longer have to|stop wasting)\s+(?<pain>[^.!?;:]{4,160})", RegexOptions.IgnoreCase)]
    private static partial Regex PainPhrase();

    [GeneratedRegex(@"\b(?:manual(?:ly)?|spreadsheets?|errors?|error-prone|mistakes?|late|delays?|costly|expensive|wasted?|wasting|chasing|slow|complex|complicated|bloated|hard to|is hard|are hard|frustrat\w*|painful|tedious|headaches?|hassle|busywork|paperwork|fraud|overspend\w*|out-of-policy|hidden fees|blocked|misses|rising|thin|shortages?|struggl\w*|annoying|invad\w*|surveillance|lack of|no visibility|blind spots?|patchwork|juggl\w*|scattered|siloed|risky)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PainCue();

    [GeneratedRegex(@"\b(?:struggl\w*|hard|tired|frustrat\w*|too (?:much|many|slow|long|complex)|can't|cannot|lack|spent|keep rising|misses|blocked)\b|^\W*before\b|\bbefore (?:we|using|switching|moving)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ProblemFrame();

    [GeneratedRegex(@"^(?:it|them|that|this|these|those|you|us)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PronounOnly();

    [GeneratedRegex(@"\b(?:help(?:s|ing)?|let(?:s|ting)?|enabl(?:e|es|ing)|allow(?:s|ing)?)\s+(?:you|teams|businesses|companies|organi[sz]ations|operators|customers|users|people|[\p{Ll}-]+ (?:teams|operators|owners|managers)|restaurant operators)\s+(?:to\s+)?(?<need>\p{Ll}[^.;:!?]{5,160})")]
    private static partial Regex HelpsTo();

    [GeneratedRegex(@"\bso (?:that )?(?:you|they|teams|[\p{Ll}-]+ teams|customers|businesses) can\s+(?<need>\p{Ll}[^.;:!?]{5,160})")]
    private static partial Regex SoTheyCan();

    [GeneratedRegex(@",\s*(?:and\s+)?|\s+and\s+")]
    private static partial Regex ActionSeparator();

    [GeneratedRegex(@",\s*(?:so|with|not|while|which|because)\b|\s+so that\b|\s+—\s+|;|\?")]
    private static partial Regex PhraseCut();

    [GeneratedRegex(@"\s+(?:with|that|which|from|by|using)\s+")]
    private static partial Regex LongPhraseCut();

    [GeneratedRegex(@"\b(?:worldwide|around the world|across the globe|globally|in (?:over |more than |about )?\d+\+? countries)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Worldwide();

    [GeneratedRegex(@"\b(?:customers?|clients|businesses|companies|users|locations|available|serv(?:e|es|ing)|operat(?:e|es|ing)|sell(?:s|ing)?|deliver(?:s|ing)?|ship(?:s|ping)?)\b[^.;:!?]{0,60}?\b(?:in|across|throughout)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex ServingIn();

    [GeneratedRegex(@"\b(?:for\s+)?(?:teams?|companies|businesses|organi[sz]ations|firms)\s+(?:of|with)\s+(?<from>\d[\d,]*)\s*(?:(?:–|-|to)\s*(?<to>\d[\d,]*)|\+)\s*(?:people|employees|members|staff)?|\b(?<from>\d[\d,]*)\s*(?:–|-|to)\s*(?<to>\d[\d,]*)\s+(?:employees|people|staff)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EmployeeRange();
}
