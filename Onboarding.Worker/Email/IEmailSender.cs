namespace Onboarding.Worker.Email;

/// <summary>One message ready for a provider. <see cref="IdempotencyKey"/> makes a repeated send deliver once where the provider supports it.</summary>
public sealed record EmailMessage(string To, string Subject, string Text, string Html, string IdempotencyKey);

/// <summary>What a provider did with a message.</summary>
public abstract record SendOutcome
{
    private SendOutcome()
    {
    }

    /// <summary>Accepted; <paramref name="ProviderMessageId"/> is the provider's id for it.</summary>
    public sealed record Sent(string? ProviderMessageId) : SendOutcome;

    /// <summary>Refused for good: sending it again would be refused again.</summary>
    public sealed record Rejected(string Reason) : SendOutcome;

    /// <summary>Not sent this time; try again later (no sooner than <paramref name="RetryAfter"/> when the provider said).</summary>
    public sealed record Transient(string Reason, TimeSpan? RetryAfter = null) : SendOutcome;
}

/// <summary>Hands one message to an email provider. Implementations classify failures instead of throwing them.</summary>
public interface IEmailSender
{
    Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
