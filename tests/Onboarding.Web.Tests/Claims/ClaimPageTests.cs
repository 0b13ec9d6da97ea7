using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.JSInterop;
using Onboarding.Web.Components.Claims;
using Onboarding.Web.Components.Pages.Claims;
using Onboarding.Web.Services;
using Onboarding.Web.Tests.Components;

namespace Onboarding.Web.Tests.Claims;

/// <summary>The magic link's page against a fake Api: every state, the single confirmation and the one-time key.</summary>
public sealed class ClaimPageTests : FluentContext
{
    private readonly FakeClaimApi _api = new();
    private readonly BunitJSModuleInterop _keyReveal;

    public ClaimPageTests()
    {
        var http = new HttpClient(_api) { BaseAddress = new Uri("http://api.test") };
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(FakeClaimApi.Now));
        Services.AddSingleton(new OnboardingApiClient(http, NullLogger<OnboardingApiClient>.Instance));
        Services.AddSingleton(new ClaimConfirmationClient(http, NullLogger<ClaimConfirmationClient>.Instance));
        JSInterop.SetupModule("./time-zone.js").Setup<string?>("timeZone").SetResult("UTC");
        _keyReveal = JSInterop.SetupModule("./Components/Claims/KeyReveal.razor.js");
    }

    private IRenderedComponent<ClaimPage> RenderPage(string? token = FakeClaimApi.Token)
    {
        // The page takes the token from the address, as the router supplies it.
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        var link = $"onboarding/claim/{FakeClaimApi.ClaimId}" + (token is null ? "" : $"?t={Uri.EscapeDataString(token)}");
        navigation.NavigateTo(link);
        return Render<ClaimPage>(parameters => parameters.Add(p => p.ClaimId, FakeClaimApi.ClaimId));
    }

    private static void WaitForTitle(IRenderedComponent<ClaimPage> cut, string title) =>
        cut.WaitForAssertion(() => Assert.Equal(title, cut.Find("h1").TextContent.Trim()));

    private static AngleSharp.Dom.IElement ConfirmButton(IRenderedComponent<ClaimPage> cut) =>
        cut.FindComponents<Microsoft.FluentUI.AspNetCore.Components.FluentButton>()
            .Single(b => b.Markup.Contains("Confirm and reveal API key", StringComparison.Ordinal))
            .Find("*");

    [Fact]
    public void AFailingTimeZoneScriptLeavesTimesInUtcAndTheClaimWorking()
    {
        // Before, the script's error ended the circuit: the page froze with its button dead.
        JSInterop.SetupModule("./time-zone.js").Setup<string?>("timeZone").SetException(new JSException("time-zone.js failed to load"));

        var cut = RenderPage();

        WaitForTitle(cut, "Create your organisation");
        Assert.Contains("6 May 2025, 12:15 (UTC)", cut.Find(".expires").TextContent);
        ConfirmButton(cut).Click();
        WaitForTitle(cut, "Organisation acme is ready");
    }

    [Fact]
    public void WhileThePreviewIsReadThePageSaysSo()
    {
        _api.HoldPreview = new TaskCompletionSource();

        var cut = RenderPage();

        Assert.Contains("Reading the claim", cut.Find(".loading").TextContent);
        _api.HoldPreview.SetResult();
        WaitForTitle(cut, "Create your organisation");
    }

    [Fact]
    public void TheReadyPageShowsWhoClaimsWhatAsText()
    {
        _api.Email = "<script>alert('e')</script>@acme.com";
        _api.OrgSlug = "acme<script>alert('s')</script>";

        var cut = RenderPage();

        WaitForTitle(cut, "Create your organisation");
        Assert.Equal(_api.Email, cut.Find(".email").TextContent);
        Assert.Equal(_api.OrgSlug, cut.Find(".slug").TextContent);
        Assert.Equal(FakeClaimApi.SessionId, cut.Find(".session").TextContent);
        Assert.Empty(cut.FindAll("script"));
        Assert.DoesNotContain("<script>", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("6 May 2025, 12:15 (UTC)", cut.Find(".expires").TextContent);
        Assert.Contains("in 15 minutes", cut.Find(".expires").TextContent);
        Assert.Contains("Confirm and reveal API key", ConfirmButton(cut).TextContent);
        Assert.Equal(0, _api.Confirms);
    }

    public static TheoryData<string, string> PreviewStates => new()
    {
        { "expired", "This link has expired" },
        { "confirmed", "This claim is already confirmed" },
        { "401 token_invalid", "This link is not valid" },
        { "410 session_expired", "This session has expired" },
        { "429 rate_limited", "Too many attempts" },
        { "503 temporarily_unavailable", "The onboarding service cannot be reached" },
        { "connection refused", "The onboarding service cannot be reached" },
        { "not json", "The onboarding service cannot be reached" },
    };

    [Theory]
    [MemberData(nameof(PreviewStates))]
    public async Task EachPreviewStateHasItsOwnPage(string state, string title)
    {
        switch (state)
        {
            case "expired":
                _api.Expired = true;
                break;
            case "confirmed":
                await ConfirmThroughTheApiAsync();
                break;
            case "connection refused":
                _api.PreviewAnswer = () => throw new HttpRequestException("connection refused");
                break;
            case "not json":
                _api.PreviewAnswer = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>", null, "application/json") };
                break;
            default:
                var status = (HttpStatusCode)int.Parse(state[..3], System.Globalization.CultureInfo.InvariantCulture);
                _api.PreviewAnswer = () => FakeClaimApi.Error(status, state[4..]);
                break;
        }

        var cut = RenderPage();

        WaitForTitle(cut, title);
        Assert.NotNull(cut.Find("section.problem .problem-icon svg"));
        Assert.Empty(cut.FindAll(".ready"));
    }

    [Fact]
    public void AnInvalidLinkShowsTheInvalidPageAndNoWayToRetry()
    {
        _api.PreviewAnswer = () => FakeClaimApi.Error(HttpStatusCode.Unauthorized, "token_invalid");

        var cut = RenderPage();

        WaitForTitle(cut, "This link is not valid");
        Assert.Equal(nameof(ClaimFailure.TokenInvalid), cut.Find("section").GetAttribute("data-problem"));
        Assert.Contains("newest link", cut.Find("section p").TextContent);
        Assert.Empty(cut.FindComponents<Microsoft.FluentUI.AspNetCore.Components.FluentButton>());
    }

    [Fact]
    public void ALinkWithoutItsTokenIsInvalidWithoutAskingTheApi()
    {
        var cut = RenderPage(token: null);

        WaitForTitle(cut, "This link is not valid");
        Assert.Equal(0, _api.Previews);
    }

    [Fact]
    public void AnOutageCanBeRetried()
    {
        _api.PreviewAnswer = () => FakeClaimApi.Error(HttpStatusCode.ServiceUnavailable, "temporarily_unavailable");
        var cut = RenderPage();
        WaitForTitle(cut, "The onboarding service cannot be reached");

        _api.PreviewAnswer = null;
        cut.FindComponent<Microsoft.FluentUI.AspNetCore.Components.FluentButton>().Find("*").Click();

        WaitForTitle(cut, "Create your organisation");
        Assert.Equal(2, _api.Previews);
    }

    [Fact]
    public async Task ClickingConfirmTwiceQuicklySendsOnePost()
    {
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");
        _api.HoldConfirm = new TaskCompletionSource();

        var first = ConfirmButton(cut).ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(1, _api.Confirms));
        // A second click while the first is in flight: the button is disabled, and the page ignores it if it lands anyway.
        Assert.True(ConfirmButton(cut).HasAttribute("disabled"));
        await cut.InvokeAsync(() => ConfirmButton(cut).ClickAsync(new()));
        _api.HoldConfirm.SetResult();
        await first;

        WaitForTitle(cut, "Organisation acme is ready");
        Assert.Equal(1, _api.Confirms);
    }

    [Fact]
    public async Task TwoConfirmationsInTheSameInstantSendOnePost()
    {
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");
        _api.HoldConfirm = new TaskCompletionSource();
        var confirm = cut.FindComponent<ClaimReady>().Instance.OnConfirm;

        // Both clicks reach the page before it renders the disabled button, as two clicks in one frame can.
        var both = cut.InvokeAsync(() => Task.WhenAll(confirm.InvokeAsync(), confirm.InvokeAsync()));
        cut.WaitForAssertion(() => Assert.Equal(1, _api.Confirms));
        _api.HoldConfirm.SetResult();
        await both;

        WaitForTitle(cut, "Organisation acme is ready");
        Assert.Equal(1, _api.Confirms);
    }

    [Fact]
    public void ASuccessfulConfirmationRevealsTheKeyOnceWithCopyAndWarning()
    {
        _keyReveal.Setup<bool>("copyFrom", _ => true).SetResult(true);
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");

        ConfirmButton(cut).Click();

        WaitForTitle(cut, "Organisation acme is ready");
        var field = cut.Find("input.key-field");
        Assert.Equal(FakeClaimApi.ApiKey, field.GetAttribute("value"));
        Assert.True(field.HasAttribute("readonly"));
        Assert.Contains("shown only once", cut.Find(".reveal").InnerHtml, StringComparison.Ordinal);
        Assert.Contains("rotate it", cut.Find(".reveal").TextContent, StringComparison.Ordinal);
        Assert.Equal("key_01JD8X3Q9V7M2T5K4R6N8P0W1Y", cut.Find(".key-id").TextContent);
        Assert.Equal(FakeClaimApi.ApiKey[..12], cut.Find(".key-prefix").TextContent);
        Assert.Contains("claimed by acme", cut.Find(".viewer-note").TextContent, StringComparison.Ordinal);

        var copy = cut.FindComponents<Microsoft.FluentUI.AspNetCore.Components.FluentButton>().Single();
        Assert.Contains("Copy", copy.Markup, StringComparison.Ordinal);
        copy.Find("*").Click();

        cut.WaitForAssertion(() => Assert.Equal("Copied to the clipboard.", cut.Find(".copy-status").TextContent));
        Assert.Single(_keyReveal.Invocations, i => i.Identifier == "copyFrom");
    }

    [Fact]
    public void TheRevealedKeyOpensTheDashboardByAFormPostAndNeverByAnAddress()
    {
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");

        ConfirmButton(cut).Click();

        WaitForTitle(cut, "Organisation acme is ready");
        var form = cut.Find("form#open-dashboard");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/dashboard/sign-in", form.GetAttribute("action"));
        Assert.Equal("Open the dashboard", form.QuerySelector("button[type=submit]")!.TextContent);
        // The token's value comes from the request's antiforgery state, which only a real server has (the end-to-end test).
        Assert.Single(cut.FindComponents<Microsoft.AspNetCore.Components.Forms.AntiforgeryToken>());
        // The form posts the revealed field itself: the key is in the page once, and in no link.
        var field = cut.Find("input.key-field");
        Assert.Equal(("apiKey", "open-dashboard"), (field.GetAttribute("name"), field.GetAttribute("form")));
        Assert.Single(cut.FindAll("input"), i => i.GetAttribute("value") == FakeClaimApi.ApiKey);
        Assert.DoesNotContain(cut.FindAll("a[href]"), a => a.GetAttribute("href")!.Contains(FakeClaimApi.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public void ACopyTheBrowserRefusesSaysToCopyByHand()
    {
        _keyReveal.Setup<bool>("copyFrom", _ => true).SetResult(false);
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");
        ConfirmButton(cut).Click();
        WaitForTitle(cut, "Organisation acme is ready");

        cut.FindComponents<Microsoft.FluentUI.AspNetCore.Components.FluentButton>().Single().Find("*").Click();

        cut.WaitForAssertion(() => Assert.Contains("copy it by hand", cut.Find(".copy-status").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReloadAfterConfirmingShowsAlreadyConfirmedAndNotTheKey()
    {
        var first = RenderPage();
        WaitForTitle(first, "Create your organisation");
        ConfirmButton(first).Click();
        WaitForTitle(first, "Organisation acme is ready");
        await DisposeComponentsAsync();

        var reloaded = RenderPage();

        WaitForTitle(reloaded, "This claim is already confirmed");
        Assert.DoesNotContain(FakeClaimApi.ApiKey, reloaded.Markup, StringComparison.Ordinal);
    }

    public static TheoryData<HttpStatusCode, string, string, string> ConfirmRefusals => new()
    {
        { HttpStatusCode.Unauthorized, "token_invalid", "This link is not valid", "send a new link" },
        { HttpStatusCode.Conflict, "already_confirmed", "This claim is already confirmed", "rotate it from the dashboard" },
        { HttpStatusCode.Conflict, "domain_already_claimed", "Your email's domain already has an organisation", "magic-link sent to the existing admin" },
        { HttpStatusCode.Conflict, "org_slug_taken", "That organisation name is taken", "Choose another slug" },
        { HttpStatusCode.Conflict, "session_already_claimed", "This session was claimed by someone else", "confirmed first" },
        { HttpStatusCode.Gone, "session_expired", "This session has expired", "30 days" },
    };

    [Theory]
    [MemberData(nameof(ConfirmRefusals))]
    public void EachRefusedConfirmationSaysWhatHappenedAndWhatToDo(HttpStatusCode status, string code, string title, string advice)
    {
        _api.ConfirmAnswer = () => FakeClaimApi.Error(status, code, hint: code == "domain_already_claimed" ? "magic-link sent to the existing admin" : null);
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");

        ConfirmButton(cut).Click();

        WaitForTitle(cut, title);
        Assert.Contains(advice, cut.Find("section.problem").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".key-field"));
    }

    [Fact]
    public void ARateLimitedConfirmationKeepsThePreviewAndSaysHowLongToWait()
    {
        _api.ConfirmAnswer = () => FakeClaimApi.Error(HttpStatusCode.TooManyRequests, "rate_limited", retryAfter: TimeSpan.FromSeconds(30));
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");

        ConfirmButton(cut).Click();

        cut.WaitForAssertion(() => Assert.Contains("Wait 30 seconds", cut.Find(".confirm-problem").TextContent, StringComparison.Ordinal));
        Assert.Contains("Too many attempts", cut.Find(".confirm-problem").OuterHtml, StringComparison.Ordinal);
        Assert.False(ConfirmButton(cut).HasAttribute("disabled"));
    }

    [Fact]
    public void AConfirmationWithoutAnAnswerSaysConfirmingAgainIsSafe()
    {
        _api.ConfirmAnswer = () => throw new HttpRequestException("connection reset");
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");

        ConfirmButton(cut).Click();

        cut.WaitForAssertion(() => Assert.Contains("The confirmation got no answer", cut.Find(".confirm-problem").OuterHtml, StringComparison.Ordinal));
        Assert.Contains("Confirm again", cut.Find(".confirm-problem").TextContent, StringComparison.Ordinal);
        Assert.False(ConfirmButton(cut).HasAttribute("disabled"));
    }

    [Fact]
    public void TheTokenIsSentToTheApiButNeverRendered()
    {
        var cut = RenderPage();
        WaitForTitle(cut, "Create your organisation");
        Assert.DoesNotContain(FakeClaimApi.Token, cut.Markup, StringComparison.Ordinal);

        ConfirmButton(cut).Click();
        WaitForTitle(cut, "Organisation acme is ready");
        Assert.DoesNotContain(FakeClaimApi.Token, cut.Markup, StringComparison.Ordinal);

        _api.PreviewAnswer = () => FakeClaimApi.Error(HttpStatusCode.Unauthorized, "token_invalid");
        var refused = RenderPage();
        WaitForTitle(refused, "This link is not valid");
        Assert.DoesNotContain(FakeClaimApi.Token, refused.Markup, StringComparison.Ordinal);

        Assert.All(_api.Tokens, t => Assert.Equal(FakeClaimApi.Token, t));
    }

    private async Task ConfirmThroughTheApiAsync()
    {
        using var http = new HttpClient(_api, disposeHandler: false) { BaseAddress = new Uri("http://api.test") };
        var confirmation = await new ClaimConfirmationClient(http, NullLogger<ClaimConfirmationClient>.Instance)
            .ConfirmClaimAsync(FakeClaimApi.ClaimId, FakeClaimApi.Token, Xunit.TestContext.Current.CancellationToken);
        Assert.NotNull(confirmation.Confirmed);
    }
}
