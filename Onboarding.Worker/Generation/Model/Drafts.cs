using System.ComponentModel;

namespace Onboarding.Worker.Generation.Model;

// What the model is asked to answer, one shape per generation. These are not the stored records: sources come as a
// list (JSON schemas and models handle that better than a map), and every field is optional so that a partial answer
// can still be validated field by field.

[Description("Where a field's value comes from.")]
internal sealed record FieldSources(
    [property: Description("The field's name, e.g. \"description\" or \"products\".")] string? Field,
    [property: Description("URLs of the pages that state it, exactly as given in the input.")] IReadOnlyList<string>? Urls);

[Description("A product or service the company offers.")]
internal sealed record OfferingDraft(
    [property: Description("The offering's name as the site writes it.")] string? Name,
    [property: Description("One sentence on what it is.")] string? Description);

[Description("The company described by its own website.")]
internal sealed record CompanyDraft(
    [property: Description("The company's name.")] string? Name,
    [property: Description("A one-line positioning statement, e.g. the home page's main heading.")] string? Tagline,
    [property: Description("Two to four plain sentences on what the company does.")] string? Description,
    [property: Description("Products or services, at most 8.")] IReadOnlyList<OfferingDraft>? Products,
    [property: Description("Plans with price, currency and period, e.g. \"Pro: $29/month\", or \"Enterprise: contact sales\".")] IReadOnlyList<string>? Pricing,
    [property: Description("Customers the site names (companies, not people), at most 8.")] IReadOnlyList<string>? Customers,
    [property: Description("Where the company is headquartered, e.g. \"New York, NY\".")] string? Headquarters,
    [property: Description("For every filled field, the pages it comes from.")] IReadOnlyList<FieldSources>? Sources);

[Description("The market the company plays in, as its website presents it.")]
internal sealed record MarketDraft(
    [property: Description("The market category, e.g. \"Web analytics\" or \"Foodservice distribution\".")] string? Category,
    [property: Description("Industries the company serves or is in, at most 8.")] IReadOnlyList<string>? Industries,
    [property: Description("The benefits the site promises, at most 8, each one short sentence.")] IReadOnlyList<string>? ValuePropositions,
    [property: Description("What the site says sets it apart, at most 8.")] IReadOnlyList<string>? Differentiators,
    [property: Description("Competitors or alternatives the site names itself; empty when it names none.")] IReadOnlyList<string>? Competitors,
    [property: Description("e.g. \"Subscription, per seat, free tier\" or \"Usage-based\".")] string? PricingModel,
    [property: Description("For every filled field, the pages it comes from.")] IReadOnlyList<FieldSources>? Sources);

[Description("The ideal customer profile the website addresses.")]
internal sealed record IcpDraft(
    [property: Description("One or two sentences naming the ideal customer.")] string? Summary,
    [property: Description("Target industries, at most 8.")] IReadOnlyList<string>? Industries,
    [property: Description("Target company sizes, e.g. \"Startups\", \"SMB\", \"Enterprise\", \"10–200 employees\".")] IReadOnlyList<string>? CompanySizes,
    [property: Description("Buyers and users, e.g. \"CFOs\", \"Developers\".")] IReadOnlyList<string>? Roles,
    [property: Description("Problems the customers have, at most 8.")] IReadOnlyList<string>? PainPoints,
    [property: Description("What customers use the offering for, at most 8.")] IReadOnlyList<string>? UseCases,
    [property: Description("Countries or regions the customers are in.")] IReadOnlyList<string>? Regions,
    [property: Description("For every filled field, the pages it comes from.")] IReadOnlyList<FieldSources>? Sources);
