using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Data.Infrastructure;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.Infrastructure.SessionsClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>The session contract's claim: lookup, request, preview, confirm, on real Postgres and Redis.</summary>
public sealed class ClaimsApiTests(OnboardingApiFactory factory)
{
    private readonly SessionsClient _client = new(factory.CreateClient());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutAMailerTheClaimAnswersWithTheLinkBuiltFromThePublicWebUrl()
    {
        var session = await _client.OpenAsync();
        var (slug, domain) = UniqueOrg();

        using var request = ClaimRequest(session, $"Leonard@{domain}", slug);
        request.Headers.Host = "evil.example";
        using var response = await _client.Http.SendAsync(request, Cancel);
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("clm_", body["claim_id"]!.GetValue<string>());
        Assert.Equal($"leonard@{domain}", body["magic_link_sent_to"]!.GetValue<string>());
        Assert.Equal("fallback", body["delivery"]!.GetValue<string>());
        Assert.Equal("not_configured", body["delivery_reason"]!.GetValue<string>());
        Assert.StartsWith($"{OnboardingApiFactory.PublicWebUrl}/onboarding/claim/{body["claim_id"]}?t=", body["magic_link_preview"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not-an-email", "acme-co", "email")]
    [InlineData(".lead@acme.com", "acme-co", "email")]
    [InlineData("a..b@acme.com", "acme-co", "email")]
    [InlineData("leonard@acme.com", "ac", "org_slug")]
    [InlineData("leonard@acme.com", "Acme", "org_slug")]
    [InlineData("leonard@acme.com", "-acme", "org_slug")]
    [InlineData("leonard@acme.com", "ac--me", "org_slug")]
    [InlineData("leonard@acme.com", "a-very-long-organisation-slug-over-forty-chars", "org_slug")]
    [InlineData("leonard@acme.com", "admin", "reserved")]
    public async Task ABadEmailOrSlugIsRefusedWithTheFieldNamed(string email, string slug, string mentioned)
    {
        var session = await _client.OpenAsync();

        using var response = await _client.Http.SendAsync(ClaimRequest(session, email, slug), Cancel);

        await AssertErrorAsync(response, 400, "invalid_request");
        Assert.Contains(mentioned, (await ReadJsonAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task AClaimNeedsTheWriteTokenAndAnExistingSession()
    {
        var session = await _client.OpenAsync();
        var (slug, domain) = UniqueOrg();

        using var withoutToken = await _client.Http.SendAsync(ClaimRequest(session, $"a@{domain}", slug, writeToken: "wt_wrong"), Cancel);
        using var unknown = await _client.Http.SendAsync(ClaimRequest(session with { Id = "ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y" }, $"a@{domain}", slug), Cancel);

        await AssertErrorAsync(withoutToken, 401, "token_invalid");
        await AssertErrorAsync(unknown, 404, "session_not_found");
    }

    [Fact]
    public async Task PreviewChangesNothingAndConfirmCreatesTheOrgOnce()
    {
        var session = await _client.OpenAsync();
        var (slug, domain) = UniqueOrg();
        var link = await _client.RequestLinkAsync(session, $"leonard@{domain}", slug);

        // Link scanners: 50 GETs and HEADs leave the claim confirmable.
        for (var i = 0; i < 25; i++)
        {
            using var get = await _client.Http.GetAsync(link.ApiPath, Cancel);
            using var head = await _client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, link.ApiPath), Cancel);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Contains("no-store", get.Headers.CacheControl!.ToString());
            Assert.Equal("no-referrer", get.Headers.GetValues("Referrer-Policy").Single());
        }

        var preview = await ReadJsonAsync(await _client.Http.GetAsync(link.ApiPath, Cancel));
        Assert.Equal(link.ClaimId, preview["claim_id"]!.GetValue<string>());
        Assert.Equal(session.Id, preview["session_id"]!.GetValue<string>());
        Assert.Equal(slug, preview["org_slug"]!.GetValue<string>());
        Assert.False(preview["expired"]!.GetValue<bool>());
        Assert.False(preview["confirmed"]!.GetValue<bool>());

        using var confirm = await _client.Http.PostAsync(link.ApiPath, null, Cancel);
        var confirmed = await ReadJsonAsync(confirm);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.True(confirmed["ok"]!.GetValue<bool>());
        Assert.Equal(slug, confirmed["org"]!.GetValue<string>());
        var key = confirmed["api_key"]!.GetValue<string>();
        Assert.Matches("^onb_[A-Za-z0-9_-]{49}$", key);
        Assert.StartsWith(confirmed["api_key_prefix"]!.GetValue<string>(), key);
        Assert.StartsWith("key_", confirmed["api_key_id"]!.GetValue<string>());

        using var again = await _client.Http.PostAsync(link.ApiPath, null, Cancel);
        await AssertErrorAsync(again, 409, "already_confirmed");
        Assert.True((await ReadJsonAsync(await _client.Http.GetAsync(link.ApiPath, Cancel)))["confirmed"]!.GetValue<bool>());

        // The viewer's record: claimed by the org, the chain ends with onboarding.claimed and still verifies.
        using var read = await _client.ReadAsync(session.Id, session.ViewToken);
        var raw = await read.Content.ReadAsStringAsync(Cancel);
        var view = JsonNode.Parse(raw)!;
        Assert.True(view["claimed"]!.GetValue<bool>());
        Assert.Equal(slug, view["claimed_by"]!.GetValue<string>());
        Assert.Equal("onboarding.claimed", view["events"]!.AsArray()[^1]!["type"]!.GetValue<string>());
        Chain.AssertVerifies(raw);

        var lookup = await ReadJsonAsync(await _client.Http.GetAsync($"/onboarding/lookup?domain={domain.ToUpperInvariant()}.", Cancel));
        Assert.True(lookup["claimed"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(lookup["claim_hint"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TwentyConcurrentConfirmsCreateOneOrgAndOneKey()
    {
        var session = await _client.OpenAsync();
        var (slug, domain) = UniqueOrg();
        var link = await _client.RequestLinkAsync(session, $"leonard@{domain}", slug);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.Http.PostAsync(link.ApiPath, null, Cancel)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await AssertErrorAsync(refused, 409, "already_confirmed");
        }

        await using var db = Database();
        var orgs = await db.Orgs.Where(o => o.Slug == slug).Select(o => o.Id).ToListAsync(Cancel);
        Assert.Single(orgs);
        Assert.Equal(1, await db.ApiKeys.CountAsync(k => k.OrgId == orgs[0], Cancel));
        Assert.Equal(1, await db.SessionEvents.CountAsync(e => e.SessionId == session.Id && e.Type == "onboarding.claimed", Cancel));
    }

    [Fact]
    public async Task TwoSessionsRacingForOneSlugCreateOneOrg()
    {
        var (slug, _) = UniqueOrg();
        var links = new List<ClaimLink>();
        foreach (var i in new[] { 1, 2 })
        {
            var session = await _client.OpenAsync();
            links.Add(await _client.RequestLinkAsync(session, $"dev@team{i}-{slug}.com", slug));
        }

        var responses = await Task.WhenAll(links.Select(link => _client.Http.PostAsync(link.ApiPath, null, Cancel)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        await AssertErrorAsync(responses.Single(r => r.StatusCode != HttpStatusCode.OK), 409, "org_slug_taken");
        await using var db = Database();
        Assert.Equal(1, await db.Orgs.CountAsync(o => o.Slug == slug, Cancel));
    }

    [Fact]
    public async Task OnlyTheNewestLinkOfASessionWorks()
    {
        var session = await _client.OpenAsync();
        var (slug, domain) = UniqueOrg();
        var first = await _client.RequestLinkAsync(session, $"leonard@{domain}", slug);
        var second = await _client.RequestLinkAsync(session, $"leonard@{domain}", slug);

        await AssertErrorAsync(await _client.Http.GetAsync(first.ApiPath, Cancel), 401, "token_invalid");
        await AssertErrorAsync(await _client.Http.PostAsync(first.ApiPath, null, Cancel), 401, "token_invalid");
        Assert.Equal(HttpStatusCode.OK, (await _client.Http.PostAsync(second.ApiPath, null, Cancel)).StatusCode);
    }

    [Fact]
    public async Task AWrongTokenOrIdIsTokenInvalid()
    {
        var session = await _client.OpenAsync();
        var (slug, domain) = UniqueOrg();
        var link = await _client.RequestLinkAsync(session, $"leonard@{domain}", slug);

        await AssertErrorAsync(await _client.Http.GetAsync($"/onboarding/claim/{link.ClaimId}?t=ct_wrong", Cancel), 401, "token_invalid");
        await AssertErrorAsync(await _client.Http.PostAsync($"/onboarding/claim/{link.ClaimId}", null, Cancel), 401, "token_invalid");
        await AssertErrorAsync(await _client.Http.GetAsync($"/onboarding/claim/clm_nope?t={link.Token}", Cancel), 401, "token_invalid");
        await AssertErrorAsync(await _client.Http.GetAsync($"/onboarding/claim/clm_01JD8X3Q9V7M2T5K4R6N8P0W1Y?t={link.Token}", Cancel), 401, "token_invalid");
    }

    [Fact]
    public async Task AnExpiredLinkPreviewsAsExpiredAndCannotBeConfirmed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = new SessionsClient(factory.WithTime(clock).CreateClient());
        var session = await client.OpenAsync();
        var (slug, domain) = UniqueOrg();
        var link = await client.RequestLinkAsync(session, $"leonard@{domain}", slug);

        clock.Advance(TimeSpan.FromMinutes(31));

        var preview = await ReadJsonAsync(await client.Http.GetAsync(link.ApiPath, Cancel));
        Assert.True(preview["expired"]!.GetValue<bool>());
        await AssertErrorAsync(await client.Http.PostAsync(link.ApiPath, null, Cancel), 401, "token_invalid");
    }

    [Fact]
    public async Task AClaimedDomainIsRefusedWithAHintAndWebmailDomainsNeverAre()
    {
        var (slug, domain) = UniqueOrg();
        var first = await _client.OpenAsync();
        await _client.ConfirmAsync(await _client.RequestLinkAsync(first, $"leonard@{domain}", slug));
        var second = await _client.OpenAsync();

        using var sameDomain = await _client.Http.SendAsync(ClaimRequest(second, $"sheldon@{domain.ToUpperInvariant()}", slug + "-2"), Cancel);
        await AssertErrorAsync(sameDomain, 409, "domain_already_claimed");
        Assert.False(string.IsNullOrEmpty((await ReadJsonAsync(sameDomain))["claim_hint"]!.GetValue<string>()));

        // Two people with Gmail addresses make two orgs; gmail.com is never bound.
        var gmailSlug = slug + "-g";
        await _client.ConfirmAsync(await _client.RequestLinkAsync(second, $"{gmailSlug}@gmail.com", gmailSlug));
        var lookup = await ReadJsonAsync(await _client.Http.GetAsync("/onboarding/lookup?domain=gmail.com", Cancel));
        Assert.False(lookup["claimed"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("-acme.com")]
    [InlineData("acme..com")]
    [InlineData("acme.123")]
    [InlineData("ac me.com")]
    [InlineData("")]
    public async Task AMalformedDomainIsRefused(string domain)
    {
        using var response = await _client.Http.GetAsync($"/onboarding/lookup?domain={Uri.EscapeDataString(domain)}", Cancel);

        await AssertErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task LookupNormalisesInternationalNames()
    {
        var (slug, _) = UniqueOrg();
        var session = await _client.OpenAsync();
        // The email pattern is ASCII, so the org binds the punycode form; lookups in Unicode find it.
        var ascii = $"xn--bcher-{slug}-9db.de";
        await _client.ConfirmAsync(await _client.RequestLinkAsync(session, $"owner@{ascii}", slug));

        var lookup = await ReadJsonAsync(await _client.Http.GetAsync($"/onboarding/lookup?domain={Uri.EscapeDataString(new System.Globalization.IdnMapping().GetUnicode(ascii).ToUpperInvariant())}", Cancel));

        Assert.True(lookup["claimed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task LookupAndClaimAreLimitedPerAddress()
    {
        var strict = factory.WithSettings(("RateLimits:LookupPerIp:Limit", "3"), ("RateLimits:ClaimPerIp:Limit", "2"));
        var http = strict.CreateClient();
        http.DefaultRequestHeaders.Add(OnboardingApiFactory.ClientAddressHeader, $"203.0.113.{Random.Shared.Next(1, 250)}");
        var client = new SessionsClient(http);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/onboarding/lookup?domain=example.com", Cancel)).StatusCode);
        }

        using var limited = await http.GetAsync("/onboarding/lookup?domain=example.com", Cancel);
        await AssertErrorAsync(limited, 429, "rate_limited");
        Assert.True(limited.Headers.RetryAfter!.Delta > TimeSpan.Zero);

        var session = await client.OpenAsync();
        var (slug, domain) = UniqueOrg();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(ClaimRequest(session, $"a@{domain}", slug), Cancel)).StatusCode);
        }

        await AssertErrorAsync(await http.SendAsync(ClaimRequest(session, $"a@{domain}", slug), Cancel), 429, "rate_limited");
    }

    [Fact]
    public async Task WithoutRedisClaimAndLookupFailClosedAndAppendsGoOn()
    {
        var withoutRedis = factory.WithSettings(("ConnectionStrings:redis", "127.0.0.1:1,connectTimeout=200"));
        var client = new SessionsClient(withoutRedis.CreateClient());
        var session = await client.OpenAsync();

        using var lookup = await client.Http.GetAsync("/onboarding/lookup?domain=example.com", Cancel);
        using var claim = await client.Http.SendAsync(ClaimRequest(session, "a@example.com", "example-co"), Cancel);
        using var append = await client.AppendAsync(session, Batch(Event("onboarding.step", new { n = 1 })));

        await AssertErrorAsync(lookup, 503, "temporarily_unavailable");
        Assert.NotNull(lookup.Headers.RetryAfter);
        await AssertErrorAsync(claim, 503, "temporarily_unavailable");
        Assert.Equal(HttpStatusCode.Accepted, append.StatusCode);
    }

    [Fact]
    public async Task WithAMailerTheLinkIsQueuedSealedInTheOutbox()
    {
        var withMailer = factory.WithSettings(("RESEND_API_KEY", "re_test"), ("Onboarding:Claims:DeliveryWait", "00:00:00.2"));
        var client = new SessionsClient(withMailer.CreateClient());
        var session = await client.OpenAsync();
        var (slug, domain) = UniqueOrg();

        using var response = await client.Http.SendAsync(ClaimRequest(session, $"leonard@{domain}", slug), Cancel);
        var body = await ReadJsonAsync(response);

        // Nobody sends in this test, so the answer is "email" (still pending) and the link stays out of it.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("email", body["delivery"]!.GetValue<string>());
        Assert.Null(body["magic_link_preview"]);
        var claimId = body["claim_id"]!.GetValue<string>();
        await using var db = Database();
        var message = await db.OutboxEmails.SingleAsync(m => m.ClaimId == claimId, Cancel);
        Assert.Equal($"leonard@{domain}", message.To);
        Assert.Equal("claim/" + claimId, message.IdempotencyKey);
        var link = Onboarding.Data.Security.LinkSealer.FromBase64Key(factory.Infrastructure.SigningKey).Open(message.SealedLink!, claimId);
        Assert.StartsWith($"{OnboardingApiFactory.PublicWebUrl}/onboarding/claim/{claimId}?t=ct_", link);
        Assert.Null(Onboarding.Data.Security.LinkSealer.FromBase64Key(factory.Infrastructure.SigningKey).Open(message.SealedLink!, "clm_other"));
    }

    [Fact]
    public async Task NeitherTheDatabaseNorTheLogsHoldATokenOrKey()
    {
        // An operator debugging with every category at Trace.
        using var verbose = factory.WithSettings(
            ("Logging:LogLevel:Default", "Trace"), ("Logging:LogLevel:Microsoft.AspNetCore", "Trace"),
            ("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Trace"), ("Logging:LogLevel:Npgsql", "Trace"));
        var client = new SessionsClient(verbose.CreateClient());

        // Every path that handles a secret: open, append, read, claim, preview, confirm twice, use and rotate the key.
        var session = await client.OpenAsync();
        (await client.AppendAsync(session, new { events = new[] { new { type = "onboarding.note", ts = 1746478291000, payload = new { } } } })).Dispose();
        var read = await client.ReadOkAsync(session);
        var (slug, domain) = UniqueOrg();
        var link = await client.RequestLinkAsync(session, $"leonard@{domain}", slug);
        (await client.Http.GetAsync(link.ApiPath, Cancel)).Dispose();
        var key = await client.ConfirmAsync(link);
        (await client.Http.PostAsync(link.ApiPath, null, Cancel)).Dispose();
        using var rotate = new HttpRequestMessage(HttpMethod.Post, "/api/keys/rotate");
        rotate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var rotated = await client.Http.SendAsync(rotate, Cancel);
        var newKey = (await ReadJsonAsync(rotated))["apiKey"]!.GetValue<string>();
        string[] secrets = [session.WriteToken, session.ViewToken, read["view_token"]!.GetValue<string>(), link.Token, key, newKey];

        // The logs, with every structured value and scope.
        Assert.Contains(factory.Logs.Entries, entry => entry.Contains("Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(factory.Logs.Entries, entry => entry.Contains(secret, StringComparison.Ordinal));
        }

        // Every table, as text.
        await using var db = Database();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*) FROM (
              SELECT t::text AS row FROM claims t UNION ALL SELECT t::text FROM api_keys t UNION ALL SELECT t::text FROM orgs t
              UNION ALL SELECT t::text FROM users t UNION ALL SELECT t::text FROM session_events t UNION ALL SELECT t::text FROM email_outbox t
              UNION ALL SELECT t::text FROM idempotency_keys t UNION ALL SELECT t::text FROM agent_sessions t) everything
            WHERE row LIKE ANY (@secrets)
            """;
        command.Parameters.Add(new Npgsql.NpgsqlParameter("secrets", secrets.Select(secret => $"%{secret}%").ToArray()));
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync(Cancel))!);
    }

    private OnboardingDbContext Database() => factory.Services.CreateScope().ServiceProvider.GetRequiredService<OnboardingDbContext>();
}
