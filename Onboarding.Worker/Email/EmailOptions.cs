using System.ComponentModel.DataAnnotations;

namespace Onboarding.Worker.Email;

/// <summary>Which service delivers the outbox's mail, decided by what is configured.</summary>
public enum EmailProvider
{
    /// <summary>Nothing configured: the Api answers with the contract's fallback and never writes outbox rows.</summary>
    None,

    /// <summary>Resend's HTTP API, chosen whenever <c>RESEND_API_KEY</c> is set.</summary>
    Resend,

    /// <summary>An SMTP relay, chosen when <c>Email:Smtp:Host</c> is set and Resend is not.</summary>
    Smtp,
}

/// <summary>
/// The email outbox's settings, section <c>Email</c>. The Resend key is not read from this section: it is the
/// top-level key (and environment variable) <c>RESEND_API_KEY</c>, the session contract's name, copied into
/// <see cref="ResendApiKey"/> when the options are built.
/// </summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    /// <summary>The top-level configuration key (environment variable) that holds the Resend API key.</summary>
    public const string ResendApiKeyName = "RESEND_API_KEY";

    /// <summary><c>Email:From</c>: the sender, as an RFC 5322 mailbox. Resend's shared test domain by default.</summary>
    [Required]
    public string From { get; set; } = "Onboarding <onboarding@resend.dev>";

    /// <summary><c>Email:Resend:*</c>: where Resend's API lives.</summary>
    public ResendOptions Resend { get; set; } = new();

    /// <summary><c>Email:Smtp:*</c>: the SMTP relay, used when no Resend key is set.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary><c>Email:MaxAttempts</c>: sends tried before a message is given up (marked failed). Default 8.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// <c>Email:PollInterval</c>: how often the sender looks for due messages without being notified; a lost
    /// notification or a retry that comes due only waits this long. Default 5 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>Email:LockDuration</c>: how long a sender holds the messages it took. A sender that dies holding them
    /// lets another take them after this; it must outlast one send (HTTP timeout <see cref="SendTimeout"/>). Default 1 min.
    /// </summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><c>Email:SendTimeout</c>: the limit on one attempt to hand a message to the provider. Default 20 s.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary><c>Email:BatchSize</c>: messages one round takes at most. Default 20.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// The session contract's <c>RESEND_API_KEY</c>, filled from the top-level configuration key when the options are built
    /// (whatever <c>Email:ResendApiKey</c> may say). Never logged.
    /// </summary>
    public string? ResendApiKey { get; set; }

    /// <summary>Resend when its key is set, else SMTP when a host is set, else none.</summary>
    public EmailProvider Provider =>
        !string.IsNullOrWhiteSpace(ResendApiKey) ? EmailProvider.Resend
        : !string.IsNullOrWhiteSpace(Smtp.Host) ? EmailProvider.Smtp
        : EmailProvider.None;
}

/// <summary>Section <c>Email:Resend</c>.</summary>
public sealed class ResendOptions
{
    /// <summary><c>Email:Resend:BaseUrl</c>: Resend's API root; messages are posted to <c>{BaseUrl}/emails</c>.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.resend.com");
}

/// <summary>Section <c>Email:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary><c>Email:Smtp:Host</c>: the relay; setting it (without <c>RESEND_API_KEY</c>) selects SMTP.</summary>
    public string? Host { get; set; }

    /// <summary><c>Email:Smtp:Port</c>: default 587 (submission).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary><c>Email:Smtp:Username</c>: the sender authenticates only when this is set.</summary>
    public string? Username { get; set; }

    /// <summary><c>Email:Smtp:Password</c>: with <see cref="Username"/>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// <c>Email:Smtp:UseTls</c>: true (default) uses TLS on connect for port 465 and STARTTLS whenever the server
    /// offers it otherwise; false speaks plain SMTP (a local relay or a test server).
    /// </summary>
    public bool UseTls { get; set; } = true;
}
