using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Onboarding.IntegrationTests.Generated;
using Onboarding.IntegrationTests.Generated.Models;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Api;

/// <summary>
/// A client Kiota generated from docs/api/openapi.json (at build time, see the project file) walks the product as an agent
/// and a workspace would: a session, its claim by the fallback link, a scrape and an interview turn. Whatever the
/// description gets wrong (a path, a name, a shape, a credential) breaks this walk.
/// </summary>
public sealed class GeneratedClientTests(OnboardingApiFactory factory)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClientGeneratedFromTheDescriptionWalksASessionAClaimAScrapeAndAnInterviewTurn()
    {
        var client = new OnboardingApiClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: factory.CreateClient())
        {
            BaseUrl = factory.Server.BaseAddress.ToString().TrimEnd('/'),
        });

        // The agent opens a session, streams an event into it, and reads it back with the token in view_url.
        var opened = await client.Onboarding.Sessions.PostAsync(new CreateSessionRequest { UserAgent = "kiota-agent/1.0", ProjectHint = "github.com/acme/app" }, cancellationToken: Cancel);
        Assert.NotNull(opened?.SessionId);
        var session = client.Onboarding.Sessions[opened.SessionId];
        var appended = await session.Events.PostAsync(
            new AppendEventsRequest
            {
                Events = [new EventInput { Type = "onboarding.jurisdiction_selected", Ts = 1746478291000, Payload = new UntypedObject(new Dictionary<string, UntypedNode> { ["jurisdiction"] = new UntypedString("AE") }) }],
            },
            request => request.Headers.Add("Authorization", $"Bearer {opened.WriteToken}"),
            Cancel);
        Assert.Equal(1, appended?.Accepted);
        var read = await session.GetAsync(request => request.QueryParameters.T = Token(opened.ViewUrl!), Cancel);
        Assert.Equal(["onboarding.session_opened", "onboarding.jurisdiction_selected"], read!.Events!.Select(e => e.Type));

        // No mailer is configured here, so the claim answers with the link itself; the developer opens and confirms it.
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var claim = await session.Claim.PostAsync(
            new ClaimRequest { Email = $"dev@kiota-{suffix}.io", OrgSlug = $"kiota-{suffix}" },
            request => request.Headers.Add("Authorization", $"Bearer {opened.WriteToken}"),
            Cancel);
        Assert.Equal("fallback", claim?.Delivery);
        var link = client.Onboarding.Claim[claim!.ClaimId];
        var preview = await link.GetAsync(request => request.QueryParameters.T = Token(claim.MagicLinkPreview!), Cancel);
        Assert.Equal(opened.SessionId, preview?.SessionId);
        var confirmed = await link.PostAsync(request => request.QueryParameters.T = Token(claim.MagicLinkPreview!), Cancel);
        Assert.StartsWith("onb_", confirmed?.ApiKey);

        // With the key, the workspace starts a scrape and follows it.
        void Keyed<T>(Microsoft.Kiota.Abstractions.RequestConfiguration<T> request) where T : class, new() =>
            request.Headers.Add("Authorization", $"Bearer {confirmed!.ApiKey}");
        var started = await client.Api.Onboarding.StartScraping.PostAsync(new StartScrapingRequest { Website = "https://acme.example" }, Keyed, Cancel);
        var status = await client.Api.Onboarding.Status.GetAsync(Keyed, Cancel);
        Assert.Equal(started?.RunId, status?.Session?.RunId);
        var run = await client.Api.Runs[started!.RunId].GetAsync(Keyed, Cancel);
        Assert.Equal("scrape", run?.Run?.Kind);

        // And the founder interview takes its first turn.
        var interview = await client.Api.Interview.Start.PostAsync(new StartInterviewRequest(), Keyed, Cancel);
        var saved = await client.Api.Chat.Save.PostAsync(
            new SaveRequest
            {
                SessionId = interview!.SessionId,
                MessageId = Guid.NewGuid().ToString(),
                UserMessage = new InterviewMessage { Role = "user", Content = "We make payroll software for restaurants." },
                AssistantMessage = new InterviewMessage { Role = "assistant", Content = interview.FirstQuestion },
            },
            Keyed,
            Cancel);
        Assert.Equal("committed", saved?.Status);
    }

    private static string Token(string link) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["t"] ?? throw new InvalidOperationException($"{link} carries no token.");
}
