using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Data.Security;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using Onboarding.Worker.Email;

namespace Onboarding.IntegrationTests.Worker;

/// <summary>The Worker's email outbox against the real database, with a fake Resend on loopback (see <see cref="EmailOutboxTestBase"/>).</summary>
[CollectionDefinition]
[Collection(typeof(EmailOutboxTests))]
public sealed class EmailOutboxTests(OnboardingApiFactory factory) : EmailOutboxTestBase(factory)
{
    [Fact]
    public async Task ADueEmailIsPostedToResendOnceAndItsLinkWiped()
    {
        // Arrange
        await using var resend = await FakeResend.StartAsync((_, _) => ResendReply.Accepted("re_msg_1"));
        var time = new FakeTimeProvider(Start);
        var (claimId, link) = await AddClaimEmailAsync("Leonard@Acme.example", "acme");
        var sender = CreateSender(time, CreateResend(resend));

        // Act
        var result = await sender.SendDueAsync(Cancel);
        var again = await sender.SendDueAsync(Cancel);

        // Assert: what Resend received
        Assert.Equal(new OutboxResult(1, 0, 0), result);
        Assert.Equal(default, again);
        var request = Assert.Single(resend.Requests);
        Assert.Equal($"Bearer {ResendKey}", request.Authorization);
        Assert.Equal($"claim/{claimId}", request.IdempotencyKey);
        Assert.Equal("Onboarding <onboarding@resend.dev>", request.Body["from"]!.GetValue<string>());
        Assert.Equal(["Leonard@Acme.example"], request.Body["to"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("Confirm your organisation acme on Onboarding", request.Body["subject"]!.GetValue<string>());
        var html = request.Body["html"]!.GetValue<string>();
        var text = request.Body["text"]!.GetValue<string>();
        Assert.Contains($"href=\"{link}\"", html, StringComparison.Ordinal);
        Assert.Contains(link, text, StringComparison.Ordinal);
        Assert.Contains("2001-02-03 05:05 UTC", text, StringComparison.Ordinal);
        Assert.Contains("Only the newest link works", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);

        // Assert: the row
        var row = await ReadRowAsync(claimId);
        Assert.Equal(Start, row.SentAt);
        Assert.Equal("re_msg_1", row.ProviderMessageId);
        Assert.Null(row.SealedLink);
        Assert.Null(row.LockedUntil);
        Assert.Null(row.FailedAt);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task ARejectedEmailFailsWithItsReasonAndIsNeverRetried()
    {
        await using var resend = await FakeResend.StartAsync((_, _) =>
            new ResendReply(422, new { statusCode = 422, name = "validation_error", message = "Invalid `to` field." }));
        var time = new FakeTimeProvider(Start);
        var (claimId, link) = await AddClaimEmailAsync("nobody@acme.example", "acme");
        var sender = CreateSender(time, CreateResend(resend));

        var result = await sender.SendDueAsync(Cancel);
        time.Advance(TimeSpan.FromMinutes(30));
        var later = await sender.SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(0, 1, 0), result);
        Assert.Equal(default, later);
        Assert.Single(resend.Requests);
        var row = await ReadRowAsync(claimId);
        Assert.NotNull(row.FailedAt);
        Assert.Null(row.SentAt);
        Assert.Null(row.SealedLink);
        Assert.Equal("Resend answered 422 validation_error", row.LastError);
        Assert.DoesNotContain(Token(link), row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerErrorIsRetriedAfterBackoffWithTheSameIdempotencyKey()
    {
        // Arrange: Resend fails the first time, accepts the second.
        await using var resend = await FakeResend.StartAsync((_, seen) =>
            seen == 1 ? new ResendReply(500, new { statusCode = 500, name = "internal_server_error" }) : ResendReply.Accepted("re_msg_2"));
        var time = new FakeTimeProvider(Start);
        var (claimId, _) = await AddClaimEmailAsync("leonard@acme.example", "acme");
        var sender = CreateSender(time, CreateResend(resend));

        // Act 1: the first attempt fails; the row waits its backoff (full jitter: at most 2 s after a first attempt).
        var first = await sender.SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(0, 0, 1), first);
        var waiting = await ReadRowAsync(claimId);
        Assert.InRange(waiting.NextAttemptAt, Start, Start.AddSeconds(2));
        Assert.Null(waiting.LockedUntil);
        Assert.NotNull(waiting.SealedLink);
        Assert.Null(waiting.FailedAt);
        Assert.Equal("Resend answered 500 internal_server_error", waiting.LastError);

        // Act 2: once the backoff has passed, it is sent.
        time.Advance(TimeSpan.FromSeconds(3));
        var second = await sender.SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(1, 0, 0), second);
        Assert.Equal([$"claim/{claimId}", $"claim/{claimId}"], resend.Requests.Select(r => r.IdempotencyKey));
        var sent = await ReadRowAsync(claimId);
        Assert.Equal("re_msg_2", sent.ProviderMessageId);
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.SealedLink);
    }

    [Fact]
    public async Task RetryAfterFromResendSetsTheNextAttempt()
    {
        await using var resend = await FakeResend.StartAsync((_, _) => new ResendReply(429, new { name = "rate_limit_exceeded" }, RetryAfterSeconds: 120));
        var time = new FakeTimeProvider(Start);
        var (claimId, _) = await AddClaimEmailAsync("leonard@acme.example", "acme");

        var result = await CreateSender(time, CreateResend(resend)).SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(0, 0, 1), result);
        Assert.Equal(Start.AddSeconds(120), (await ReadRowAsync(claimId)).NextAttemptAt);
    }

    [Fact]
    public async Task AnEmailWhoseAttemptsRunOutFails()
    {
        await using var resend = await FakeResend.StartAsync((_, _) => new ResendReply(503, new { name = "unavailable" }, RetryAfterSeconds: 1));
        var time = new FakeTimeProvider(Start);
        var (claimId, _) = await AddClaimEmailAsync("leonard@acme.example", "acme");
        var sender = CreateSender(time, CreateResend(resend), maxAttempts: 3);

        for (var i = 0; i < 4; i++)
        {
            await sender.SendDueAsync(Cancel);
            time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(3, resend.Requests.Count);
        var row = await ReadRowAsync(claimId);
        Assert.NotNull(row.FailedAt);
        Assert.Null(row.SealedLink);
        Assert.StartsWith("gave up after 3 attempts", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARowLockedByACrashedSenderIsTakenAgainOnlyAfterItsLockExpires()
    {
        // Arrange: a sender takes the row and dies while sending it.
        await using var resend = await FakeResend.StartAsync();
        var time = new FakeTimeProvider(Start);
        var (claimId, _) = await AddClaimEmailAsync("leonard@acme.example", "acme");
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var crashing = CreateSender(time, new CrashWhileSending(crash));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => crashing.SendDueAsync(crash.Token));
        var locked = await ReadRowAsync(claimId);
        Assert.Equal(Start.AddMinutes(1), locked.LockedUntil);

        // Act: another sender comes by while the lock holds, then after it expired.
        var survivor = CreateSender(time, CreateResend(resend));
        time.Advance(TimeSpan.FromSeconds(59));
        var whileLocked = await survivor.SendDueAsync(Cancel);
        time.Advance(TimeSpan.FromSeconds(2));
        var afterExpiry = await survivor.SendDueAsync(Cancel);

        // Assert
        Assert.Equal(default, whileLocked);
        Assert.Equal(new OutboxResult(1, 0, 0), afterExpiry);
        Assert.Equal($"claim/{claimId}", Assert.Single(resend.Requests).IdempotencyKey);
        var row = await ReadRowAsync(claimId);
        Assert.NotNull(row.SentAt);
        Assert.Equal(2, row.Attempts);
    }

    [Fact]
    public async Task EmailsOfSupersededConfirmedOrExpiredClaimsAreNotSent()
    {
        await using var resend = await FakeResend.StartAsync();
        var time = new FakeTimeProvider(Start);
        var (superseded, _) = await AddClaimEmailAsync("a@acme.example", "acme", supersededAt: Start);
        var (confirmed, _) = await AddClaimEmailAsync("b@acme.example", "acme", confirmedAt: Start);
        var (expired, _) = await AddClaimEmailAsync("c@acme.example", "acme", expiresAt: Start.AddSeconds(-1));

        var result = await CreateSender(time, CreateResend(resend)).SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(0, 3, 0), result);
        Assert.Empty(resend.Requests);
        foreach (var claimId in new[] { superseded, confirmed, expired })
        {
            var row = await ReadRowAsync(claimId);
            Assert.NotNull(row.FailedAt);
            Assert.Null(row.SealedLink);
            Assert.Equal("claim superseded or expired", row.LastError);
        }
    }

    [Fact]
    public async Task ALinkSealedWithAnotherKeyFailsWithoutSending()
    {
        await using var resend = await FakeResend.StartAsync();
        var time = new FakeTimeProvider(Start);
        var (claimId, _) = await AddClaimEmailAsync("leonard@acme.example", "acme", sealer: new LinkSealer(RandomNumberGenerator.GetBytes(32)));

        var result = await CreateSender(time, CreateResend(resend)).SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(0, 1, 0), result);
        Assert.Empty(resend.Requests);
        var row = await ReadRowAsync(claimId);
        Assert.Equal("sealed with another key", row.LastError);
        Assert.Null(row.SealedLink);
    }

    [Fact]
    public async Task ALinkSealedJustBeforeAKeyRotationIsStillSent()
    {
        await using var resend = await FakeResend.StartAsync();
        var time = new FakeTimeProvider(Start);
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var (claimId, link) = await AddClaimEmailAsync("leonard@acme.example", "acme", sealer: new LinkSealer(oldKey));
        var rotated = new LinkSealer(Convert.FromBase64String(Factory.Infrastructure.SigningKey), oldKey);

        var result = await CreateSender(time, CreateResend(resend), sealer: rotated).SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(1, 0, 0), result);
        Assert.Contains(link, Assert.Single(resend.For($"claim/{claimId}")).Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoSendersDrainingAtOnceSendEachEmailOnce()
    {
        // Arrange: 40 emails, two senders taking 3 at a time.
        await using var resend = await FakeResend.StartAsync();
        var time = new FakeTimeProvider(Start);
        var claims = new List<string>();
        var session = await OpenSessionAsync();
        for (var i = 0; i < 40; i++)
        {
            claims.Add((await AddClaimEmailAsync($"user{i}@acme.example", "acme", sessionId: session)).ClaimId);
        }

        var resendSender = CreateResend(resend);
        var senders = new[] { CreateSender(time, resendSender, batchSize: 3), CreateSender(time, resendSender, batchSize: 3) };

        // Act
        var results = await Task.WhenAll(senders.Select(DrainAsync));

        // Assert
        Assert.Equal(40, results.Sum());
        Assert.Equal(claims.Select(c => $"claim/{c}").Order(), resend.Requests.Select(r => r.IdempotencyKey).Order());
        await using var db = CreateContext();
        Assert.Equal(40, await db.OutboxEmails.CountAsync(m => claims.Contains(m.ClaimId) && m.SentAt != null && m.Attempts == 1, Cancel));

        static async Task<int> DrainAsync(OutboxSender sender)
        {
            var sent = 0;
            while (await sender.SendDueAsync(Cancel) is { Sent: > 0 } round)
            {
                sent += round.Sent;
            }

            return sent;
        }
    }

    [Fact]
    public async Task TheRunningSenderSendsACommittedEmailWithoutWaitingForAPoll()
    {
        // Arrange: the clock never moves, so the hour-long poll never comes; only the notification (or the
        // catch-up round after LISTEN) can wake the sender.
        await using var resend = await FakeResend.StartAsync();
        var time = new FakeTimeProvider(Start);
        var sender = CreateSender(time, CreateResend(resend), pollInterval: TimeSpan.FromHours(1));
        await sender.StartAsync(Cancel);
        try
        {
            // Act: as the Api does, insert and notify in one transaction.
            var (claimId, _) = await AddClaimEmailAsync("leonard@acme.example", "acme", notify: true);

            // Assert
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            while ((await ReadRowAsync(claimId)).SentAt is null)
            {
                await Task.Delay(50, deadline.Token);
            }

            Assert.Equal($"claim/{claimId}", Assert.Single(resend.Requests).IdempotencyKey);
        }
        finally
        {
            await sender.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task TheWorkerAsConfiguredPostsToResendOncePerAttempt()
    {
        // Arrange: the Worker's own composition, with RESEND_API_KEY set and the hosted services left out.
        // A 500 would be retried underneath by the standard resilience handler if the client kept it.
        await using var resend = await FakeResend.StartAsync((_, _) => new ResendReply(500, new { name = "internal_server_error" }));
        await using var worker = new WebApplicationFactory<OutboxSender>().WithWebHostBuilder(builder => builder
            .UseEnvironment("Testing")
            .UseSetting("ConnectionStrings:onboardingdb", Factory.Infrastructure.PostgresConnectionString)
            .UseSetting("ConnectionStrings:redis", Factory.Infrastructure.RedisConnectionString)
            .UseSetting("Tokens:SigningKey", Factory.Infrastructure.SigningKey)
            .UseSetting(EmailOptions.ResendApiKeyName, ResendKey)
            .UseSetting("Email:Resend:BaseUrl", resend.BaseUrl.ToString())
            .ConfigureTestServices(services =>
            {
                services.RemoveAll<IHostedService>();
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new FakeTimeProvider(Start)));
            }));
        var (claimId, _) = await AddClaimEmailAsync("leonard@acme.example", "acme");

        // Act
        var result = await worker.Services.GetRequiredService<OutboxSender>().SendDueAsync(Cancel);

        // Assert
        Assert.Equal(new OutboxResult(0, 0, 1), result);
        var request = Assert.Single(resend.Requests);
        Assert.Equal($"Bearer {ResendKey}", request.Authorization);
        Assert.Equal($"claim/{claimId}", request.IdempotencyKey);
        Assert.Equal("Resend answered 500 internal_server_error", (await ReadRowAsync(claimId)).LastError);
    }

    /// <summary>Stands in for a process killed while the provider call is in flight.</summary>
    private sealed class CrashWhileSending(CancellationTokenSource kill) : IEmailSender
    {
        public async Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            await kill.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
