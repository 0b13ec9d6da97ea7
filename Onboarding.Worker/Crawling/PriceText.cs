using System.Text.RegularExpressions;

namespace Onboarding.Worker.Crawling;

/// <summary>How prices are written: "$9/month", "€19 per user per month", "19 €/Monat", "￥3,000/月", "1.99€ /month".</summary>
public static partial class PriceText
{
    /// <summary>A price: a currency sign or code beside an amount, either way round, with an optional unit and period.</summary>
    public static Regex Price => PriceRegex();

    /// <summary>A price card's whole text that means a price without an amount: "Free", "Custom", "Contact sales".</summary>
    public static bool IsWordPrice(string text) => WordPrice().IsMatch(text);

    /// <summary>"$ 29 / month" as "$29 / month": a currency sign set apart from its amount by the page's markup.</summary>
    public static string Tidy(string text) => SplitSign().Replace(text, "$1$2");

    // Currency first ("$9/month", "€19 per user per month", "USD 1,200/year") or amount first ("19 €/Monat", "1.99€").
    [GeneratedRegex(@"(?:(?<cur>US\$|[$€£¥￥₹]|USD|EUR|GBP|CHF|CAD|AUD|JPY)\s?(?<amt>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?<k>[kK]\b)?|(?<amt2>\d{1,3}(?:[,.]\d{3})+|\d+(?:[.,]\d{1,2})?)\s?(?<cur2>€|EUR|kr|zł|CHF|円|USD|\$))(?:\s*(?:/|per|a|an)\s*(?:(?<unit>user|seat|member|editor|agent|host|site|location|employee|job)s?\s*(?:/|per|a|an)?\s*)?(?<period>month|mo|year|yr|annum|week|day|Monat|Jahr|mois|an|mes|año|月|年)\b|\s*(?:/|per)\s*(?<unit>user|seat|member|editor)s?\b)?", RegexOptions.IgnoreCase)]
    private static partial Regex PriceRegex();

    [GeneratedRegex(@"^(?:free|free forever|always free|custom|custom pricing|contact (?:sales|us)|talk to (?:sales|us)|get a quote|let'?s talk|gratis|gratuit|kostenlos|無料)[.!]?$", RegexOptions.IgnoreCase)]
    private static partial Regex WordPrice();

    [GeneratedRegex(@"([$€£¥￥])\s+(\d)")]
    private static partial Regex SplitSign();
}
