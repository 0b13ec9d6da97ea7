using Onboarding.Data;
using Onboarding.Worker.Email;

namespace Onboarding.Worker.Extensions;

public static class EmailExtensions
{
    /// <summary>
    /// Registers the email outbox sender with the provider the configuration selects (Resend when
    /// <c>RESEND_API_KEY</c> is set, else SMTP when <c>Email:Smtp:Host</c> is set), or, with neither, a notice that
    /// email is off.
    /// </summary>
    public static IHostApplicationBuilder AddEmailOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>()
            .BindConfiguration(EmailOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) => options.ResendApiKey = configuration[EmailOptions.ResendApiKeyName])
            .ValidateDataAnnotations()
            .Validate(o => o.LockDuration > 2 * o.SendTimeout, "Email:LockDuration must be more than twice Email:SendTimeout, so a lock outlasts a send.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Email:PollInterval must be positive.")
            .ValidateOnStart();

        var configured = builder.Configuration.GetSection(EmailOptions.SectionName).Get<EmailOptions>() ?? new EmailOptions();
        configured.ResendApiKey = builder.Configuration[EmailOptions.ResendApiKeyName];
        switch (configured.Provider)
        {
            case EmailProvider.None:
                builder.Services.AddHostedService<EmailNotConfigured>();
                return builder;

            case EmailProvider.Resend:
                // EXTEXP0001: RemoveAllResilienceHandlers is marked experimental; it is the documented way to take the
                // defaults' handler off one client, and a change to it would show up here at build time.
#pragma warning disable EXTEXP0001
                builder.Services.AddHttpClient<IEmailSender, ResendEmailSender>()
                    // One place decides when to send again: the outbox, which backs off with jitter, honours
                    // Retry-After, counts attempts against Email:MaxAttempts and survives restarts. The standard
                    // resilience handler that AddServiceDefaults puts on every client would add its own retries and
                    // timeouts underneath (harmless for delivery thanks to the idempotency key, but invisible to the
                    // outbox's bookkeeping and able to outlast its lock).
                    .RemoveAllResilienceHandlers()
                    // The sender is a singleton that keeps this client, so connections are recycled here instead.
                    .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                    .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
#pragma warning restore EXTEXP0001
                break;

            case EmailProvider.Smtp:
                builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
                break;
        }

        builder.AddLinkSealer();
        builder.Services.AddSingleton<OutboxSender>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxSender>());
        return builder;
    }
}
