using Microsoft.Extensions.Time.Testing;
using Onboarding.Web.Components.Dashboard;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Onboarding.Web.Tests.Components;

namespace Onboarding.Web.Tests.Dashboard;

/// <summary>The context page's parts: cards whose facts say how they are known, and the diff of a generation.</summary>
public sealed class ContextPartsTests : FluentContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EachFactOfACardShowsItsValuesSourcesAndHowItIsKnownAndAFactWithoutEvidenceShowsNoMark()
    {
        var company = new CompanyContextView(
            "Acme", "https://acme.example", "Rockets for all", "<b>We build rockets.</b>", [new("Rocket", "Goes up"), new("Pad", null)], [], ["Wile E."], null,
            new Dictionary<string, IReadOnlyList<string>> { ["description"] = ["https://acme.example/about", "javascript:alert(1)"] },
            new Dictionary<string, FieldEvidenceView> { ["description"] = new("stated", 0.92), ["customers"] = new("inferred", 0.4) });

        var card = Render<ContextCard>(p => p.Add(c => c.Title, "Company").Add(c => c.Class, "company").Add(c => c.Name, company.Name).Add(c => c.Facts, ContextFacts.Company(company)));

        Assert.Equal("Company: Acme", card.Find("h2").TextContent);
        Assert.Equal(["tagline", "description", "products", "customers"], card.FindAll(".fact").Select(f => f.GetAttribute("data-field")));
        var description = card.Find(".fact[data-field='description']");
        Assert.Equal("<b>We build rockets.</b>", description.QuerySelector(".value")!.TextContent);
        Assert.Equal(("stated", "Stated · 92%"), (description.QuerySelector(".evidence")!.GetAttribute("data-basis"), description.QuerySelector(".evidence")!.TextContent.Trim()));
        Assert.Equal(["https://acme.example/about"], description.QuerySelectorAll(".sources a").Select(a => a.GetAttribute("href")));
        Assert.Equal("Inferred · 40%", card.Find(".fact[data-field='customers'] .evidence").TextContent.Trim());
        Assert.Null(card.Find(".fact[data-field='tagline']").QuerySelector(".evidence"));
        Assert.Equal(["Rocket: Goes up", "Pad"], card.FindAll(".fact[data-field='products'] li").Select(li => li.TextContent));
        Assert.Empty(card.FindAll("b"));
    }

    [Fact]
    public void TheDiffShowsEachAddedRemovedAndChangedFactAsText()
    {
        ContextChangeView[] changes =
        [
            new("companyContext", "description", "changed", "Rockets.", "Rockets and <i>anvils</i>."),
            new("marketContext", "competitors", "added", null, "Ajax"),
            new("icp", "roles", "removed", "CTO", null),
        ];
        var version = new ContextVersionView(2, "run_02", "regenerate", Now.AddMinutes(-3), Empty.Company, Empty.Market, Empty.Icp, changes);

        var diff = Render<ContextDiff>(p => p.Add(d => d.Version, version).Add(d => d.Clock, ViewerClock.Utc(new FakeTimeProvider(Now))));

        Assert.Equal("What changed in version 2", diff.Find("h2").TextContent);
        Assert.Contains("3 minutes ago", diff.Find(".about").TextContent, StringComparison.Ordinal);
        Assert.Contains("compared with version 1", diff.Find(".about").TextContent, StringComparison.Ordinal);
        Assert.Equal("1 added, 1 removed, 1 changed", diff.Find(".summary").TextContent);
        var items = diff.FindAll(".change");
        Assert.Equal(["changed", "added", "removed"], items.Select(i => i.GetAttribute("data-change")));
        Assert.Equal("Company · Description", items[0].QuerySelector(".where")!.TextContent);
        Assert.Equal(("Rockets.", "Rockets and <i>anvils</i>."), (items[0].QuerySelector("del")!.TextContent, items[0].QuerySelector("ins")!.TextContent));
        Assert.Equal("Market · Competitors", items[1].QuerySelector(".where")!.TextContent);
        Assert.Null(items[1].QuerySelector("del"));
        Assert.Equal("CTO", items[2].QuerySelector("del")!.TextContent);
        Assert.Empty(diff.FindAll("i"));
    }

    [Fact]
    public void TheFirstGenerationAndAnUnchangedOneSaySo()
    {
        var first = new ContextVersionView(1, "run_01", "scrape", Now, Empty.Company, Empty.Market, Empty.Icp, []);
        var same = first with { Version = 3, Kind = "regenerate" };

        Assert.Contains("nothing earlier", Render<ContextDiff>(p => p.Add(d => d.Version, first)).Find(".none").TextContent, StringComparison.Ordinal);
        Assert.Equal("No fact changed.", Render<ContextDiff>(p => p.Add(d => d.Version, same)).Find(".no-changes").TextContent);
    }

    private static class Empty
    {
        public static readonly CompanyContextView Company = new("Acme", "https://acme.example", null, null, [], [], [], null, null);
        public static readonly MarketContextView Market = new(null, [], [], [], [], null, null);
        public static readonly IcpView Icp = new(null, [], [], [], [], [], [], null);
    }
}
