using System.Text.RegularExpressions;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>A plan read off a pricing page: its heading and the price under it.</summary>
internal sealed partial record Plan(string Name, string Price, PageText Page)
{
    public bool IsFree => Price.StartsWith("free", StringComparison.OrdinalIgnoreCase) || FreePrice().IsMatch(Price)
        || Price.Contains("無料", StringComparison.Ordinal) || Price.Contains("gratis", StringComparison.OrdinalIgnoreCase);

    public bool IsCustom => Price.StartsWith(CustomPrice, StringComparison.Ordinal);

    public bool IsPerSeat => Price.Contains(" per ", StringComparison.Ordinal);

    public bool IsRecurring => Price.Contains('/', StringComparison.Ordinal);

    public const string CustomPrice = "custom pricing (contact sales)";

    public override string ToString() => $"{Name}: {Price}";

    [GeneratedRegex(@"^\D{0,4}0(?:[.,]00?)?\b")]
    private static partial Regex FreePrice();
}

/// <summary>Plans and prices (for the company) and the pricing model (for the market), read from pricing pages.</summary>
internal static partial class Pricing
{
    private const int LinesScannedUnderAPlan = 25;

    /// <summary>
    /// Plans: a short heading on a pricing page with a price (or "Free", "Custom", "Contact sales") in the lines under
    /// it. Without a pricing page the other pages are read the same way; a heading without a price is never a plan.
    /// </summary>
    public static List<Plan> Plans(SiteText site)
    {
        var pages = site.OfKind(PageKind.Pricing).ToList();
        var pricingPages = pages.Count > 0;
        if (!pricingPages)
        {
            pages = site.Pages.Where(p => !p.IsNoise).ToList();
        }

        var plans = new List<Plan>();
        foreach (var page in pages)
        {
            // Cards, tables and schema.org offers as the reader found them: a priced block with its title. Off the
            // pricing pages only a page that prices several things (a shop's catalogue) counts; one price is an example.
            var blocks = page.Page.Prices.Where(b => b.Title is { } title && IsPlanTitle(title)).ToList();
            if (!pricingPages && blocks.Select(b => b.Title).Distinct().Count() < 2)
            {
                continue;
            }

            foreach (var group in blocks.GroupBy(b => b.Title!.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                var prices = group.Select(b => Text.Truncate(b.Price, 80)).Distinct().Take(2).ToList();
                if (!plans.Any(p => Text.Similar(p.Name, group.Key)))
                {
                    plans.Add(new Plan(Text.Truncate(group.Key, 60), string.Join(", ", prices), page));
                }
            }
        }

        foreach (var page in pages)
        {
            foreach (var heading in page.Lines.Where(l => l.Kind == LineKind.Heading && IsPlanName(l.Text)))
            {
                if (PriceUnder(page, heading.Index) is { } price && !plans.Any(p => string.Equals(p.Name, heading.Text, StringComparison.OrdinalIgnoreCase)))
                {
                    plans.Add(new Plan(heading.Text, price, page));
                }
            }
        }

        return plans;
    }

    /// <summary>The plans in the site's words ("Starter: $9/month"), then what the pricing pages add (trial, unit of pricing).</summary>
    public static (List<string> Lines, List<PageText> Pages) Describe(SiteText site, List<Plan> plans)
    {
        var lines = plans.Take(10).Select(p => p.ToString()).ToList();
        var pages = plans.Select(p => p.Page).Distinct().ToList();
        foreach (var page in site.OfKind(PageKind.Pricing))
        {
            foreach (var sentence in page.Sentences().Prepend(page.Description ?? ""))
            {
                var note = TrialLength().Match(sentence) is { Success: true } trial ? $"{trial.Groups["days"].Value}-day free trial"
                    : PricedPer().Match(sentence) is { Success: true } per ? "Prices for " + per.Groups["quantity"].Value
                    : null;
                if (note is not null && lines.Count < 12 && !lines.Contains(note, StringComparer.OrdinalIgnoreCase))
                {
                    lines.Add(note);
                    if (!pages.Contains(page))
                    {
                        pages.Add(page);
                    }
                }
            }
        }

        return (lines, pages);
    }

    /// <summary>e.g. "Subscription, per seat, free tier, custom pricing (contact sales)"; null when the site says nothing about it.</summary>
    public static (string? Model, List<PageText> Pages) Model(SiteText site, List<Plan> plans)
    {
        var pricingPages = site.OfKind(PageKind.Pricing).ToList();
        var signals = new List<(string Label, PageText Page)>();
        void Signal(string label, PageText page) => signals.Add((label, page));

        foreach (var plan in plans)
        {
            if (plan.IsRecurring && !plan.IsFree)
            {
                Signal(Subscription, plan.Page);
            }

            if (plan.IsPerSeat)
            {
                Signal(PerSeat, plan.Page);
            }

            if (plan.IsFree)
            {
                Signal(FreeTier, plan.Page);
            }

            if (plan.IsCustom)
            {
                Signal(ContactSales, plan.Page);
            }
        }

        // Without a pricing page only the plainest statements count; calls to action alone ("Start free trial") do not.
        var pages = pricingPages.Count > 0 ? pricingPages : site.Pages.Where(p => !p.IsNoise).ToList();
        foreach (var page in pages)
        {
            var texts = page.Lines.Select(l => l.Text).Prepend(page.Description ?? "");
            foreach (var text in texts)
            {
                if (SubscriptionCue().IsMatch(text))
                {
                    Signal(Subscription, page);
                }

                if (PerSeatCue().IsMatch(text))
                {
                    Signal(PerSeat, page);
                }

                if (OneTimeCue().IsMatch(text))
                {
                    Signal(OneTime, page);
                }

                if (TrialCue().IsMatch(text))
                {
                    Signal(FreeTrial, page);
                }

                if (pricingPages.Count == 0)
                {
                    continue;
                }

                if (UsageCue().IsMatch(text))
                {
                    Signal(UsageBased, page);
                }

                if (FreeCue().IsMatch(text) && !TrialCue().IsMatch(text))
                {
                    Signal(SelfHostCue().IsMatch(text) ? FreeOpenSource : FreeTier, page);
                }

                if (ContactSalesCue().IsMatch(text))
                {
                    Signal(ContactSales, page);
                }
            }
        }

        // "Acme is a free, automated …", "Acme is an open source app": the company says so of itself.
        foreach (var page in site.Pages.Where(p => p.Kind is PageKind.Home or PageKind.About))
        {
            foreach (var sentence in page.Sentences().Prepend(page.Description ?? "").Take(20))
            {
                if (SelfFree().Match(sentence) is { Success: true } free)
                {
                    Signal(free.Groups["open"].Success ? FreeOpenSource : FreeOfCharge, page);
                }
            }
        }

        var labels = Order.Where(label => signals.Any(s => s.Label == label)).ToList();
        if (labels.Contains(FreeTier))
        {
            labels.Remove(FreeOpenSource);
        }

        if (labels.Count == 0)
        {
            return (null, []);
        }

        var model = Text.Capitalize(string.Join(", ", labels));
        return (model, signals.Where(s => labels.Contains(s.Label)).Select(s => s.Page).Distinct().ToList());
    }

    private const string Subscription = "subscription";
    private const string OneTime = "one-time purchase";
    private const string PerSeat = "per seat";
    private const string UsageBased = "usage-based";
    private const string FreeTier = "free tier";
    private const string FreeOpenSource = "free open-source edition";
    private const string FreeTrial = "free trial";
    private const string FreeOfCharge = "free of charge";
    private const string ContactSales = "custom pricing (contact sales)";

    private static readonly string[] Order = [FreeOfCharge, Subscription, OneTime, PerSeat, UsageBased, FreeTier, FreeOpenSource, FreeTrial, ContactSales];

    private static bool IsPlanTitle(string title) =>
        title.Length <= 60 && !Text.IsQuestion(title) && !Text.LooksLikeCode(title) && !title.Contains('$', StringComparison.Ordinal);

    private static bool IsPlanName(string heading)
    {
        var words = Text.WordCount(heading);
        return words is >= 1 and <= 4 && heading.Length <= 40 && !Text.IsQuestion(heading) && !Text.EndsSentence(heading)
            && !Vocabulary.GenericHeadings.Contains(heading) && !heading.Contains("pricing", StringComparison.OrdinalIgnoreCase)
            && !heading.Contains("plans", StringComparison.OrdinalIgnoreCase);
    }

    private static string? PriceUnder(PageText page, int headingLine)
    {
        foreach (var line in page.LinesUnder(headingLine).Take(LinesScannedUnderAPlan))
        {
            // A price stands on its own line or opens one; a price inside running text is an example, not the plan's.
            if (PriceText.Price.Match(line.Text) is { Success: true } match && (line.Kind == LineKind.Short || match.Index == 0))
            {
                return FormatPrice(match);
            }

            if (line.Kind == LineKind.Short && CustomLine().IsMatch(line.Text))
            {
                return Plan.CustomPrice;
            }

            if (line.Kind == LineKind.Short && FreeLine().IsMatch(line.Text))
            {
                return "free";
            }
        }

        return null;
    }

    private static string FormatPrice(Match match)
    {
        var currency = match.Groups["cur"].Success ? match.Groups["cur"].Value : match.Groups["cur2"].Value;
        var amount = match.Groups["amt"].Success ? match.Groups["amt"].Value : match.Groups["amt2"].Value;
        var symbolFirst = match.Groups["cur"].Success;
        var price = symbolFirst
            ? (currency.Length > 1 && char.IsLetter(currency[0]) ? currency + " " : currency) + amount + match.Groups["k"].Value
            : amount + " " + currency;
        if (match.Groups["unit"].Success)
        {
            price += " per " + match.Groups["unit"].Value.ToLowerInvariant();
        }

        if (match.Groups["period"].Success)
        {
            price += "/" + (match.Groups["period"].Value.ToLowerInvariant() switch
            {
                "mo" or "month" or "monat" or "mois" or "mes" => "month",
                "yr" or "year" or "annum" or "jahr" or "an" or "año" => "year",
                var other => other,
            });
        }

        return price;
    }

    [GeneratedRegex(@"^(?:custom(?: pricing| price| quote)?|contact (?:sales|us)|talk to (?:sales|us)|get a quote|request a quote|let'?s talk|on request)\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex CustomLine();

    [GeneratedRegex(@"^(?:free|free forever|always free|\$0|€0|£0)\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex FreeLine();

    [GeneratedRegex(@"(?<days>\d{1,3})[- ]day (?:free )?trial|free for (?<days>\d{1,3}) days", RegexOptions.IgnoreCase)]
    private static partial Regex TrialLength();

    [GeneratedRegex(@"prices? (?:are |is |shown )?(?:for|based on) (?<quantity>[\d.,]+\s?[kKmM]?\+? (?:monthly |annual )?(?:pageviews|page views|events|users|seats|contacts|requests|visits|subscribers))", RegexOptions.IgnoreCase)]
    private static partial Regex PricedPer();

    [GeneratedRegex(@"\bsubscriptions?\b|billed (?:monthly|annually|yearly)|(?:monthly|yearly|annual) (?:plan|billing)", RegexOptions.IgnoreCase)]
    private static partial Regex SubscriptionCue();

    [GeneratedRegex(@"\bper (?:user|seat|member|editor|agent)\b|/\s?(?:user|seat)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PerSeatCue();

    [GeneratedRegex(@"\bone-time (?:payment|purchase|fee)\b|\blifetime (?:deal|license|licence|access)\b|\bpay once\b", RegexOptions.IgnoreCase)]
    private static partial Regex OneTimeCue();

    [GeneratedRegex(@"\bfree trial\b|\b\d{1,3}[- ]day trial\b|\bfree for \d{1,3} days\b", RegexOptions.IgnoreCase)]
    private static partial Regex TrialCue();

    [GeneratedRegex(@"\busage-based\b|\bpay[- ]as[- ]you[- ]go\b|\bmetered\b|\bper (?:request|transaction|API call|GB|1,?000)\b|\bpageviews\b|\bmonthly usage\b|\bbased on usage\b", RegexOptions.IgnoreCase)]
    private static partial Regex UsageCue();

    [GeneratedRegex(@"\bfree (?:plan|tier|forever|version|edition)\b|\bis free\b|\bfree to use\b|\bfor free\b|\bstart for free\b", RegexOptions.IgnoreCase)]
    private static partial Regex FreeCue();

    [GeneratedRegex(@"^[^.,;]{1,40}?\b(?:is|are) (?:a |an |)(?:(?<open>open[- ]source)|free)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SelfFree();

    [GeneratedRegex(@"self-host|open source|open-source", RegexOptions.IgnoreCase)]
    private static partial Regex SelfHostCue();

    [GeneratedRegex(@"\bcontact sales\b|\btalk to (?:sales|us)\b|\bcustom pricing\b|\b(?:request|get) a quote\b|^contact us$", RegexOptions.IgnoreCase)]
    private static partial Regex ContactSalesCue();
}
