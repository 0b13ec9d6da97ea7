using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Onboarding.Worker.Email;

/// <summary>
/// Sends through Resend's HTTP API (<c>POST /emails</c>) with the message's idempotency key, so a message sent
/// again after a crash or a lost response is delivered once. Retrying is the outbox's decision, not this client's:
/// see where it is registered.
/// </summary>
public sealed class ResendEmailSender(HttpClient http, IOptions<EmailOptions> options) : IEmailSender
{
    public async Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(WithTrailingSlash(settings.Resend.BaseUrl), "emails"))
        {
            Content = JsonContent.Create(new ResendEmail(settings.From, [message.To], message.Subject, message.Html, message.Text)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ResendApiKey);
        request.Headers.Add("Idempotency-Key", message.IdempotencyKey);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SendTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var sent = await response.Content.ReadFromJsonAsync<ResendSent>(timeout.Token);
                return new SendOutcome.Sent(sent?.Id);
            }

            var reason = $"Resend answered {status} {await ErrorNameAsync(response, timeout.Token)}".TrimEnd();
            return status is 408 or 409 or 429 || status >= 500
                ? new SendOutcome.Transient(reason, RetryAfter(response))
                : new SendOutcome.Rejected(reason);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome.Transient($"Resend did not answer within {settings.SendTimeout}");
        }
        catch (HttpRequestException e)
        {
            return new SendOutcome.Transient($"Resend unreachable: {e.HttpRequestError}");
        }
    }

    /// <summary>Resend's error body is <c>{statusCode, name, message}</c>; only the name is kept (the message may quote input).</summary>
    private static async Task<string> ErrorNameAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync<ResendError>(cancellationToken);
            return error?.Name is { Length: > 0 and <= 100 } name ? name : "";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or HttpRequestException)
        {
            return "";
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.TryGetValues("ratelimit-reset", out var reset)
            && int.TryParse(reset.FirstOrDefault(), out var seconds) ? TimeSpan.FromSeconds(seconds) : null,
    };

    private static Uri WithTrailingSlash(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    private sealed record ResendEmail(
        [property: JsonPropertyName("from")] string From,
        [property: JsonPropertyName("to")] string[] To,
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("html")] string Html,
        [property: JsonPropertyName("text")] string Text);

    private sealed record ResendSent([property: JsonPropertyName("id")] string? Id);

    private sealed record ResendError([property: JsonPropertyName("name")] string? Name);
}
