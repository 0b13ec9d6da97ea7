using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Worker.Email;

namespace Onboarding.IntegrationTests.Worker;

/// <summary>The Worker's email outbox delivering over SMTP, to a fake relay on loopback (see <see cref="EmailOutboxTestBase"/>).</summary>
[Collection(typeof(EmailOutboxTests))]
public sealed class SmtpOutboxTests(OnboardingApiFactory factory) : EmailOutboxTestBase(factory)
{
    [Fact]
    public async Task SmtpDeliversTheEmailWithTheLink()
    {
        await using var smtp = new FakeSmtp().Start();
        var time = new FakeTimeProvider(Start);
        var (claimId, link) = await AddClaimEmailAsync("leonard@acme.example", "acme");

        var result = await CreateSender(time, CreateSmtp(smtp)).SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(1, 0, 0), result);
        var message = Assert.Single(smtp.Messages);
        Assert.Equal("leonard@acme.example", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("onboarding@resend.dev", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("Confirm your organisation acme on Onboarding", message.Subject);
        Assert.Contains(link, message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{link}\"", message.HtmlBody, StringComparison.Ordinal);
        var row = await ReadRowAsync(claimId);
        Assert.NotNull(row.SentAt);
        Assert.Equal(message.MessageId, row.ProviderMessageId);
        Assert.Null(row.SealedLink);
    }

    [Fact]
    public async Task ARecipientTheRelayRefusesFailsTheEmail()
    {
        await using var smtp = new FakeSmtp("550 5.1.1 No such user").Start();
        var time = new FakeTimeProvider(Start);
        var (claimId, _) = await AddClaimEmailAsync("nobody@acme.example", "acme");

        var result = await CreateSender(time, CreateSmtp(smtp)).SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(0, 1, 0), result);
        Assert.Empty(smtp.Messages);
        var row = await ReadRowAsync(claimId);
        Assert.NotNull(row.FailedAt);
        Assert.Null(row.SealedLink);
        Assert.StartsWith("SMTP 550", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableRelayIsRetried()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var time = new FakeTimeProvider(Start);
        var (claimId, _) = await AddClaimEmailAsync("leonard@acme.example", "acme");

        var result = await CreateSender(time, new SmtpEmailSender(Options.Create(SmtpOptionsFor(port)))).SendDueAsync(Cancel);

        Assert.Equal(new OutboxResult(0, 0, 1), result);
        var row = await ReadRowAsync(claimId);
        Assert.Null(row.FailedAt);
        Assert.NotNull(row.SealedLink);
        Assert.StartsWith("SMTP relay unreachable", row.LastError, StringComparison.Ordinal);
    }
}
