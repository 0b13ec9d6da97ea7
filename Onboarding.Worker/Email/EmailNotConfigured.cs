namespace Onboarding.Worker.Email;

/// <summary>
/// Stands in for the <see cref="OutboxSender"/> when neither <c>RESEND_API_KEY</c> nor <c>Email:Smtp:Host</c> is set:
/// the Api then answers claims with the contract's fallback and writes no outbox rows, so there is nothing to send.
/// Says so once.
/// </summary>
public sealed class EmailNotConfigured(ILogger<EmailNotConfigured> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Email is not configured (set RESEND_API_KEY or Email:Smtp:Host); the outbox sender is idle");
        return Task.CompletedTask;
    }
}
