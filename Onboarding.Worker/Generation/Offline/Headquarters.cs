using System.Text.RegularExpressions;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>
/// Where the company is: a schema.org postal address first, then "headquartered in …", a postal address ("…, New
/// York, NY 10010", "Vancouver, BC V6E 2Y3", "…, 50403 Tartu, Estonia", "〒158-0081 東京都世田谷区…"), a registered
/// or labelled address ("Address: …"), then "based in …"; about and contact pages before the others, and the
/// footer (where addresses usually stand) read with its page.
/// </summary>
internal static partial class Headquarters
{
    public static (string Text, PageText Page)? Find(SiteText site)
    {
        var pages = site.Pages.Where(p => !p.IsNoise)
            .OrderBy(p => p.Kind is PageKind.About or PageKind.Contact ? 0 : p.IsHome ? 1 : 2)
            .ThenBy(p => p.Order)
            .ToList();
        if (pages.SelectMany(p => p.Page.Addresses.Select(a => (Text: a, Page: p))).FirstOrDefault() is { Text: not null } structured)
        {
            return structured;
        }

        foreach (var pattern in new[] { Headquartered(), UsAddress(), CanadianAddress(), InternationalAddress(), JapaneseAddress(), LabelledAddress(), BasedIn() })
        {
            foreach (var page in pages)
            {
                var texts = page.Lines.Select(l => l.Text).Append(page.Description ?? "").Concat(page.Page.Footer.Split('\n'));
                foreach (var text in texts)
                {
                    if (pattern.Match(text) is { Success: true } match && Place(match) is { } place)
                    {
                        return (place, page);
                    }
                }
            }
        }

        return null;
    }

    private static string? Place(Match match)
    {
        var place = match.Groups["place"].Success
            ? match.Groups["place"].Value
            : $"{match.Groups["city"].Value.Trim()}, {match.Groups["region"].Value.Trim()}";
        // A place ends with its sentence: "Houston, Texas. The company …" → "Houston, Texas".
        var period = place.IndexOf(". ", StringComparison.Ordinal);
        place = (period > 0 ? place[..period] : place).Trim().TrimEnd('.', ',');
        return Text.WordCount(place) is >= 1 and <= 6 ? place : null;
    }

    // "headquartered in the small town of Charlottetown, Prince Edward Island", "our headquarters is in sunny Sarasota".
    [GeneratedRegex(@"\b(?:headquartered|head-quartered|HQ'd) in (?:(?:the|a|an|\p{Ll}+) ){0,5}(?<place>\p{Lu}[\p{L}.'-]*(?:(?:,\s*|\s+)(?:\p{Lu}[\p{L}.'-]*|[A-Z]{2}\b)){0,4})|\bheadquarters (?:is |are )?(?:in|:) (?:(?:the|a|an|\p{Ll}+) ){0,3}(?<place>\p{Lu}[\p{L}.'-]*(?:(?:,\s*|\s+)\p{Lu}[\p{L}.'-]*){0,4})")]
    private static partial Regex Headquartered();

    // "548 Market St, PMB 77519, San Francisco, CA 94104-5401": street parts, then city, state and ZIP code.
    [GeneratedRegex(@"\d+[^,\n]{2,60},(?:[^,\n]{1,40},){0,2}\s*(?:(?:Suite|Floor|Unit|Ste\.?)\s*[^,]+,\s*)?(?<city>\p{Lu}[\p{L} .'-]{1,40}),\s*(?<region>[A-Z]{2})\s+\d{5}(?:-\d{4})?\b")]
    private static partial Regex UsAddress();

    // "Vancouver, BC V6E 2Y3": a Canadian postal code after the province.
    [GeneratedRegex(@"(?<city>\p{Lu}[\p{L} .'-]{1,40}),\s*(?<region>AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")]
    private static partial Regex CanadianAddress();

    [GeneratedRegex(@"\d+[^,\n]{0,60},\s*(?:\d{4,6}\s+)?(?<city>\p{Lu}[\p{L}' -]{1,40}?)(?:\s+\d{4,6})?,\s*(?<region>Estonia|Germany|France|Spain|Italy|Netherlands|Belgium|Ireland|Sweden|Norway|Denmark|Finland|Poland|Switzerland|Austria|Portugal|United Kingdom|UK|Canada|Australia|New Zealand|Japan|Singapore|India|Brazil|Mexico|Israel|Czech Republic|Czechia|Lithuania|Latvia|Slovenia|Croatia|Greece|Romania|Hungary|Luxembourg|Iceland)\b")]
    private static partial Regex InternationalAddress();

    // A Japanese postal address: "〒158-0081 東京都世田谷区…" → prefecture and ward or city.
    [GeneratedRegex(@"〒\s?\d{3}-?\d{4}\s*(?<place>\p{L}{1,4}?[都道府県]\p{L}{1,6}?[市区町村郡])")]
    private static partial Regex JapaneseAddress();

    // "Registered address: Peterborough UK", "Dirección: Silla y Catarroja (Valencia, España)", "Adresse : …".
    [GeneratedRegex(@"\b(?:registered (?:address|office)|address|dirección|direccion|adresse|anschrift|indirizzo|endereço|sede)\s*(?:is\s*)?[:：]\s*(?<place>\p{Lu}[^\n;]{2,80}?)(?=\.\s|\.$|;|\n|$)", RegexOptions.IgnoreCase)]
    private static partial Regex LabelledAddress();

    // "based in Berlin", "a company based in the EU".
    [GeneratedRegex(@"(?<![\w-])(?:based|located) in (?:the )?(?<place>\p{Lu}[\p{L}.'-]*(?:(?:,\s*|\s+)(?:\p{Lu}[\p{L}.'-]*|[A-Z]{2}\b)){0,3})")]
    private static partial Regex BasedIn();
}
