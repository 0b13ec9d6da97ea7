using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Onboarding.Worker.Email;

/// <summary>
/// Sends through an SMTP relay with MailKit, one connection per message (claim links are rare). SMTP has no
/// idempotency key: a message re-sent after a crash between the relay's acceptance and the outbox's bookkeeping
/// may arrive twice; its Message-Id is derived from the idempotency key so mail clients can fold the copies.
/// </summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var smtp = settings.Smtp;
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html }.ToMessageBody(),
        };
        mime.From.Add(MailboxAddress.Parse(settings.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.MessageId = $"{message.IdempotencyKey.Replace('/', '.')}@{mime.From.Mailboxes.First().Domain}";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SendTimeout);
        using var client = new SmtpClient { Timeout = (int)settings.SendTimeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("Email:Smtp:Host is not set."), smtp.Port, smtp.UseTls ? SecureSocketOptions.Auto : SecureSocketOptions.None, timeout.Token);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", timeout.Token);
            }

            await client.SendAsync(mime, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
            return new SendOutcome.Sent(mime.MessageId);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            return new SendOutcome.Rejected($"SMTP {(int)e.StatusCode} on {e.ErrorCode}");
        }
        catch (SmtpCommandException e)
        {
            return new SendOutcome.Transient($"SMTP {(int)e.StatusCode} on {e.ErrorCode}");
        }
        catch (AuthenticationException)
        {
            // The relay refused our credentials: a configuration problem, not this message's, so keep it for later.
            return new SendOutcome.Transient("SMTP authentication failed");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome.Transient($"SMTP relay did not answer within {settings.SendTimeout}");
        }
        catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException or SslHandshakeException or ServiceNotConnectedException or TimeoutException)
        {
            return new SendOutcome.Transient($"SMTP relay unreachable: {e.GetType().Name}");
        }
    }
}
