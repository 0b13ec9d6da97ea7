using Onboarding.Web.Services;

namespace Onboarding.Web.Components.Dashboard;

/// <summary>One fact of the context as a card shows it: its values, the pages it came from, and how it is known.</summary>
public sealed record ContextFact(string Field, string Label, IReadOnlyList<string> Values, IReadOnlyList<string> Sources, FieldEvidenceView? Evidence);

/// <summary>Turns each part of the context into its facts, in the order a reader expects; empty fields are left out.</summary>
public static class ContextFacts
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["name"] = "Name", ["website"] = "Website", ["tagline"] = "Tagline", ["description"] = "Description", ["products"] = "Products",
        ["pricing"] = "Pricing", ["customers"] = "Customers", ["headquarters"] = "Headquarters", ["category"] = "Category",
        ["industries"] = "Industries", ["valuePropositions"] = "Value propositions", ["differentiators"] = "Differentiators",
        ["competitors"] = "Competitors", ["pricingModel"] = "Pricing model", ["summary"] = "Summary", ["companySizes"] = "Company sizes",
        ["roles"] = "Roles", ["painPoints"] = "Pain points", ["useCases"] = "Use cases", ["regions"] = "Regions",
    };

    /// <summary>A field's name for people, e.g. valuePropositions → Value propositions.</summary>
    public static string Label(string field) => Labels.GetValueOrDefault(field, field);

    public static IReadOnlyList<ContextFact> Company(CompanyContextView company) => Build(company.Sources, company.Evidence,
        ("tagline", One(company.Tagline)),
        ("description", One(company.Description)),
        ("products", company.Products?.Select(p => p.Description is { Length: > 0 } d ? $"{p.Name}: {d}" : p.Name).ToList()),
        ("pricing", company.Pricing),
        ("customers", company.Customers),
        ("headquarters", One(company.Headquarters)));

    public static IReadOnlyList<ContextFact> Market(MarketContextView market) => Build(market.Sources, market.Evidence,
        ("category", One(market.Category)),
        ("industries", market.Industries),
        ("valuePropositions", market.ValuePropositions),
        ("differentiators", market.Differentiators),
        ("competitors", market.Competitors),
        ("pricingModel", One(market.PricingModel)));

    public static IReadOnlyList<ContextFact> Icp(IcpView icp) => Build(icp.Sources, icp.Evidence,
        ("summary", One(icp.Summary)),
        ("industries", icp.Industries),
        ("companySizes", icp.CompanySizes),
        ("roles", icp.Roles),
        ("painPoints", icp.PainPoints),
        ("useCases", icp.UseCases),
        ("regions", icp.Regions));

    private static List<string>? One(string? value) => string.IsNullOrWhiteSpace(value) ? null : [value];

    private static List<ContextFact> Build(
        IReadOnlyDictionary<string, IReadOnlyList<string>>? sources, IReadOnlyDictionary<string, FieldEvidenceView>? evidence,
        params (string Field, IReadOnlyList<string>? Values)[] fields) =>
        [.. fields
            .Where(f => f.Values is { Count: > 0 })
            .Select(f => new ContextFact(f.Field, Label(f.Field), f.Values!, sources?.GetValueOrDefault(f.Field) ?? [], evidence?.GetValueOrDefault(f.Field)))];
}
