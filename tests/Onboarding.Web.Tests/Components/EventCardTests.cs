using Onboarding.Web.Components.Sessions;
using Onboarding.Web.Tests.Support;

namespace Onboarding.Web.Tests.Components;

public class EventCardTests : FluentContext
{
    private IRenderedComponent<EventCard> RenderEvent(string type, string payload, string? breakReason = null) =>
        Render<EventCard>(parameters => parameters
            .Add(p => p.Event, Chains.Event(type, payload, seq: 7))
            .Add(p => p.BreakReason, breakReason));

    [Fact]
    public void TheCardShowsItsTypeSeqTimeAndShortHash()
    {
        var cut = RenderEvent("onboarding.first_telemetry", """{"agent_id":"agt_42"}""");

        var card = cut.Find("article.event");
        Assert.Equal("7", card.GetAttribute("data-seq"));
        Assert.Equal("onboarding.first_telemetry", card.QuerySelector(".event-type")!.TextContent);
        Assert.Equal("#7", card.QuerySelector(".seq")!.TextContent);
        Assert.Equal("2025-05-05T20:51:30.0000000+00:00", card.QuerySelector("time")!.GetAttribute("datetime"));
        Assert.Equal("00000000…00000000", card.QuerySelector(".event-hash code")!.TextContent);
        Assert.Contains("agt_42", cut.Find("dd.mono").TextContent);
    }

    [Fact]
    public void AJurisdictionIsShownByName()
    {
        var cut = RenderEvent("onboarding.jurisdiction_selected", """{"jurisdiction":"EU"}""");

        Assert.Equal("EU", cut.Find(".jurisdiction").TextContent);
        Assert.Empty(cut.FindAll("pre.json"));
    }

    [Theory]
    [InlineData("minimal")]
    [InlineData("limited")]
    [InlineData("high")]
    [InlineData("critical")]
    public void InferredCapabilitiesCarryATierBadge(string tier)
    {
        var cut = RenderEvent("onboarding.capabilities_inferred",
            $$"""{"input":"a support bot","capabilities":["consumer_chatbot","pii_processing"],"inferred_tier":"{{tier}}"}""");

        Assert.Equal("a support bot", cut.Find(".quote").TextContent);
        Assert.Equal(["consumer_chatbot", "pii_processing"], cut.FindAll(".capability").Select(c => c.TextContent.Trim()));
        var badge = cut.Find(".tier-badge");
        Assert.Equal(tier, badge.GetAttribute("data-tier"));
        Assert.Equal(tier, badge.TextContent.Trim());
    }

    [Fact]
    public void ARepoScanListsEveryAgentInATable()
    {
        var cut = RenderEvent("onboarding.repo_scanned", """
            {"frameworks":["langchain","openai"],"agents":[
              {"path":"src/bot.py","framework":"langchain","model":"gpt-4o","capabilities":["consumer_chatbot"],"tier":"high"},
              {"path":"jobs/triage.ts","framework":"openai","capabilities":[],"tier":"minimal"}]}
            """);

        Assert.Contains("langchain, openai", cut.Markup);
        Assert.Contains("2 found", cut.Markup);
        var grid = cut.Find(".agents");
        Assert.Contains("src/bot.py", grid.TextContent);
        Assert.Contains("gpt-4o", grid.TextContent);
        Assert.Contains("jobs/triage.ts", grid.TextContent);
        Assert.Equal(["high", "minimal"], grid.QuerySelectorAll(".tier-badge").Select(b => b.GetAttribute("data-tier")));
    }

    [Theory]
    [InlineData("ts", "TypeScript")]
    [InlineData("py", "Python")]
    public void AnSdkInstallNamesTheLanguageAndAgentCount(string language, string name)
    {
        var cut = RenderEvent("onboarding.sdk_installed", $$"""{"language":"{{language}}","agent_count":3}""");

        Assert.Equal(name, cut.Find(".sdk-language").TextContent);
        Assert.Contains("3", cut.FindAll("dd")[1].TextContent);
    }

    [Fact]
    public void OtherOnboardingTypesShowTheirPayloadAsIndentedJson()
    {
        var cut = RenderEvent("onboarding.custom_step", """{"step":"lint","ok":true,"nested":{"n":1}}""");

        var json = cut.Find("pre.json").TextContent;
        Assert.Equal("{\n  \"step\": \"lint\",\n  \"ok\": true,\n  \"nested\": {\n    \"n\": 1\n  }\n}", json.ReplaceLineEndings("\n"));
        Assert.Empty(cut.FindAll(".payload-note"));
    }

    [Fact]
    public void ACanonicalPayloadMissingFieldsFallsBackToJsonWithANote()
    {
        var cut = RenderEvent("onboarding.capabilities_inferred", """{"input":"x"}""");

        Assert.Single(cut.FindAll(".payload-note"));
        Assert.Contains("\"input\": \"x\"", cut.Find("pre.json").TextContent);
    }

    [Theory]
    [InlineData("onboarding.note")]
    [InlineData("onboarding.first_telemetry")]
    public void AnUnpairedSurrogateInAPayloadIsShownAsItsEscape(string type)
    {
        // Payloads are stored as sent; an unpaired surrogate cannot be decoded, so the card shows the JSON text as sent.
        var cut = RenderEvent(type, """{"agent_id":"a\ud800b"}""");

        Assert.Contains("""{"agent_id":"a\ud800b"}""", cut.Find("pre.json").TextContent);
    }

    [Theory]
    [InlineData("onboarding.note", """{"text":"<script>alert(1)</script><img src=x onerror=alert(2)>"}""")]
    [InlineData("onboarding.jurisdiction_selected", """{"jurisdiction":"<script>alert(1)</script><img src=x onerror=alert(2)>"}""")]
    [InlineData("onboarding.first_telemetry", """{"agent_id":"<script>alert(1)</script><img src=x onerror=alert(2)>"}""")]
    public void MarkupInAPayloadIsRenderedAsText(string type, string payload)
    {
        var cut = RenderEvent(type, payload);

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Contains("<script>alert(1)</script><img src=x onerror=alert(2)>", cut.Find(".event-body").TextContent);
    }

    [Fact]
    public void ABrokenLinkIsMarkedOnItsCard()
    {
        var cut = RenderEvent("onboarding.first_telemetry", """{"agent_id":"a"}""", breakReason: "its hash does not follow from the previous one");

        Assert.Contains("broken", cut.Find("article").ClassList);
        Assert.Contains("its hash does not follow from the previous one", cut.Find("[role=alert]").TextContent);
    }

    [Fact]
    public void ACardRendersAgainOnlyWhenItsEventOrMarkChanges()
    {
        var e = Chains.Event("onboarding.first_telemetry", """{"agent_id":"agt_42"}""", seq: 7);
        var cut = Render<EventCard>(parameters => parameters.Add(p => p.Event, e));
        var renders = cut.RenderCount;

        // The viewer renders the whole list on every read; the same event object renders nothing in the card's tree.
        cut.Render(parameters => parameters.Add(p => p.Event, e));
        Assert.Equal(renders, cut.RenderCount);

        cut.Render(parameters => parameters.Add(p => p.Event, e).Add(p => p.BreakReason, "a gap"));
        Assert.Contains("a gap", cut.Find(".break-note").TextContent);

        cut.Render(parameters => parameters.Add(p => p.Event, e with { Hash = new string('a', 64) }).Add(p => p.BreakReason, "a gap"));
        Assert.Equal("aaaaaaaa…aaaaaaaa", cut.Find(".event-hash code").TextContent);
    }
}
