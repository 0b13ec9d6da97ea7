using System.Text.RegularExpressions;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>How much a sighting of a vocabulary term counts, by where it stands.</summary>
/// <param name="Target">After "for", "to", "serves", "helps" … or as the subject of "use", "love", "count on" …: the site says it is for them.</param>
/// <param name="Heading">In a heading (on an audience page a heading counts as <paramref name="Target"/>).</param>
/// <param name="Plain">Anywhere else in running text.</param>
/// <param name="FromCountsAsTarget">"from startups to enterprises" names a range of customers (sizes), but "from farms" does not name an industry.</param>
internal sealed record MentionWeights(double Target, double Heading, double Plain, bool FromCountsAsTarget = false);

/// <summary>Finds vocabulary terms on a site and weighs each sighting by whether the site addresses them.</summary>
internal static partial class Mentions
{
    public static Evidence Collect(SiteText site, IReadOnlyList<Term> terms, MentionWeights weights)
    {
        var evidence = new Evidence();
        // A team page's bios speak of the company's own people ("our Head of Sales"), not of its buyers.
        foreach (var page in site.Pages.Where(p => !p.IsNoise && !p.IsTeam))
        {
            // A section about discounts ("Do you offer discounts?") speaks of who may ask for one throughout.
            var discountSection = false;
            foreach (var line in page.Lines.Where(l => l.Kind != LineKind.Short))
            {
                if (line.Kind == LineKind.Heading)
                {
                    discountSection = Discount().IsMatch(line.Text);
                }

                if (discountSection)
                {
                    continue;
                }

                if (line.Kind == LineKind.Heading)
                {
                    // A customer story's heading speaks of that customer ("How Mercury builds its banking platform").
                    var weight = page.Kind switch
                    {
                        PageKind.Audience => weights.Target,
                        PageKind.Customers => weights.Plain,
                        _ => weights.Heading,
                    };
                    Scan(line.Text, page, terms, evidence, weights, weight);
                    continue;
                }

                foreach (var sentence in Text.Sentences(line.Text))
                {
                    Scan(sentence, page, terms, evidence, weights, weights.Plain);
                }
            }

            if (page.Description is { } description)
            {
                foreach (var sentence in Text.Sentences(description))
                {
                    Scan(sentence, page, terms, evidence, weights, weights.Plain);
                }
            }
        }

        return evidence;
    }

    private static void Scan(string text, PageText page, IReadOnlyList<Term> terms, Evidence evidence, MentionWeights weights, double baseWeight)
    {
        // A discount for students or non-profits, or a FAQ's question, names who may ask, not whom the company serves.
        if (Text.IsQuestion(text) || Discount().IsMatch(text))
        {
            return;
        }

        foreach (var term in terms)
        {
            foreach (Match match in term.Pattern.Matches(text))
            {
                if (InProperName(text, match))
                {
                    continue;
                }

                var context = Context(text, match.Index, match.Index + match.Length, weights.FromCountsAsTarget);
                // An acronym ("SMB", "CRM") is taken for an audience only when the site addresses it as one: "SMB" is
                // also a file protocol, "(CRM, ATS, ERP…)" a list of systems.
                if (context == Addressed.Own || context == Addressed.Plain && Text.IsAcronym(match.Value))
                {
                    continue;
                }

                evidence.Add(term.Display, context == Addressed.Target ? Math.Max(baseWeight, weights.Target) : baseWeight, page);
            }
        }
    }

    /// <summary>"Harvard University", "Ford Foundation": a capitalised term after a capitalised word mid-sentence is part of a name.</summary>
    private static bool InProperName(string text, Match match)
    {
        if (match.Index == 0 || !char.IsUpper(text[match.Index]))
        {
            return false;
        }

        var before = text[..match.Index].TrimEnd();
        var space = before.LastIndexOf(' ');
        var previous = before[(space + 1)..];
        return previous.Length > 0 && char.IsUpper(previous[0]) && space >= 0;
    }

    public enum Addressed
    {
        Plain,
        Target,

        /// <summary>"our chefs", "our engineers": the company's own people, not its customers.</summary>
        Own,
    }

    /// <summary>Whether the words at <paramref name="start"/>..<paramref name="end"/> are addressed as customers by the sentence around them.</summary>
    public static Addressed Context(string sentence, int start, int end, bool fromCountsAsTarget = false)
    {
        var clauseStart = sentence.LastIndexOfAny(['.', ';', ':', '!', '?', '(', ')', '—', '–'], Math.Max(0, start - 1)) + 1;
        var clause = start > clauseStart ? sentence[clauseStart..start] : "";
        // Quoted testimonials speak for the customer: "our CFO" there is the customer's CFO.
        var quoted = sentence.TrimStart().StartsWith('"') || sentence.TrimStart().StartsWith('“');
        if (!quoted && OwnPeople().IsMatch(clause))
        {
            return Addressed.Own;
        }

        // The nearest "for" / "to" / "serves" … before the term governs it, unless a verb stands between them.
        var targetWords = TargetWord().Matches(clause);
        if (targetWords.Count > 0 && clause[(targetWords[^1].Index + targetWords[^1].Length)..] is var gap
            && Text.WordCount(gap) <= 10 && !NotGoverned().IsMatch(gap)
            || fromCountsAsTarget && FromBefore().IsMatch(clause))
        {
            return Addressed.Target;
        }

        var clauseEnd = sentence.IndexOfAny(['.', ';', ':', '!', '?', '(', '—', '–'], end);
        var after = sentence[end..(clauseEnd < 0 ? sentence.Length : clauseEnd)];
        return SubjectOf().IsMatch(after) ? Addressed.Target : Addressed.Plain;
    }

    [GeneratedRegex(@"\bdiscount|\b\d{1,3}\s?% (?:off|less|reduction)|\breduced (?:price|pricing|rate)|\bspecial (?:price|pricing|offer|rate)|\bfree (?:of charge )?(?:to|for) (?!you\b|everyone\b|ever\b)|\beligible\b|\b(?:non-?profit|education|educational|student|academic|charity)\w* (?:pricing|plans?|offers?|programs?)\b|\bqualif(?:y|ies)\b|\bdescuento|\brabatt|\bremise\b|割引", RegexOptions.IgnoreCase)]
    private static partial Regex Discount();

    [GeneratedRegex(@"\bour\b", RegexOptions.IgnoreCase)]
    private static partial Regex OwnPeople();

    [GeneratedRegex(@"\b(?:for|to|serv(?:e|es|ed|ing)|help(?:s|ing)?|support(?:s|ing)?|empower(?:s|ing)?|(?:trusted|used|loved|chosen) by|popular with|tailored to)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TargetWord();

    [GeneratedRegex(@"\bfrom\b(?<gap>[^.;:!?]{0,60})$", RegexOptions.IgnoreCase)]
    private static partial Regex FromBefore();

    // A verb or another preposition between "for" and the term means "for" does not govern it ("for us, customers
    // are …", "trusted by 45,000 businesses, from farms …").
    [GeneratedRegex(@"\b(?:is|are|was|were|has|have|had|will|can|could|should|would|we|you|it|they|be|been|do|does|did|from|with|in|at|of|by|on|into|through|across|than|like)\b", RegexOptions.IgnoreCase)]
    private static partial Regex NotGoverned();

    // The term, maybe more list items ("…, agencies and enterprises"), then the verb: "Bloggers, startups … use Acme".
    [GeneratedRegex(@"^(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*)[\p{L}\p{N}'’-]+(?:\s+[\p{L}\p{N}'’-]+)?){0,6}\s+(?:use|uses|love|loves|rely on|relies on|count on|counts on|trust|trusts|choose|chooses|depend on|depends on|run on|runs on|partner with|partners with|turn to|turns to|switch to|switched to)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SubjectOf();
}
