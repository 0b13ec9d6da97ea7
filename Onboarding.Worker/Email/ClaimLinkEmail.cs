using System.Globalization;
using System.Net;

namespace Onboarding.Worker.Email;

/// <summary>
/// The magic-link message of a claim (docs/api/sessions.md): the link, the org and the address it is for, when it expires
/// and that only the newest link works. Plain text and simple HTML with every value encoded; no images, no tracking.
/// </summary>
public static class ClaimLinkEmail
{
    public static EmailMessage Render(string link, string orgSlug, string email, DateTimeOffset expiresAt, string idempotencyKey)
    {
        var expires = expiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var subject = $"Confirm your organisation {orgSlug} on Onboarding";

        var text = $"""
            Confirm your organisation {orgSlug} on Onboarding

            Someone (hopefully you) asked to create the organisation "{orgSlug}" for {email}.
            Open this link to review and confirm it:

            {link}

            The link expires at {expires}. Only the newest link works: if you asked more than once, use the latest email.
            If you did not ask for this, ignore this email; nothing happens until the link is confirmed.
            """;

        string E(string value) => WebUtility.HtmlEncode(value);
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{E(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5;">
            <p>Someone (hopefully you) asked to create the organisation <strong>{E(orgSlug)}</strong> for {E(email)}.</p>
            <p><a href="{E(link)}">Review and confirm {E(orgSlug)}</a></p>
            <p>Or paste this link into your browser:<br>{E(link)}</p>
            <p>The link expires at {E(expires)}. Only the newest link works: if you asked more than once, use the latest email.</p>
            <p>If you did not ask for this, ignore this email; nothing happens until the link is confirmed.</p>
            </body>
            </html>
            """;

        return new EmailMessage(email, subject, text, html, idempotencyKey);
    }
}
