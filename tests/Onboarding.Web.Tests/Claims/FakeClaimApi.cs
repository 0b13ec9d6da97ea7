using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Onboarding.Web.Services;

namespace Onboarding.Web.Tests.Claims;

/// <summary>
/// The Api's two claim endpoints in memory: a preview that reports <c>confirmed</c> once a confirmation
/// went through, and a confirmation that can be held open to look at the page while it is in flight.
/// </summary>
internal sealed class FakeClaimApi : HttpMessageHandler
{
    public const string ClaimId = "clm_01JD8X3Q9V7M2T5K4R6N8P0W1Y";
    public const string SessionId = "ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y";
    public const string Token = "tok-SECRET-never-rendered";
    public const string ApiKey = "onb_a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4";

    private int _previews;
    private int _confirms;

    public static readonly DateTimeOffset Now = new(2025, 5, 6, 12, 0, 0, TimeSpan.Zero);

    public string Email { get; set; } = "leonard@acme.com";

    public string OrgSlug { get; set; } = "acme";

    public bool Expired { get; set; }

    public bool Confirmed { get; private set; }

    /// <summary>When set, the preview answers this instead of the claim.</summary>
    public Func<HttpResponseMessage>? PreviewAnswer { get; set; }

    /// <summary>When set, the confirmation answers this instead of creating the org.</summary>
    public Func<HttpResponseMessage>? ConfirmAnswer { get; set; }

    /// <summary>When set, the confirmation waits for it before answering.</summary>
    public TaskCompletionSource? HoldConfirm { get; set; }

    /// <summary>When set, the preview waits for it before answering.</summary>
    public TaskCompletionSource? HoldPreview { get; set; }

    public int Previews => Volatile.Read(ref _previews);

    public int Confirms => Volatile.Read(ref _confirms);

    public List<string> Tokens { get; } = [];

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string? hint = null, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status) { Content = JsonContent.Create(new ClaimErrorBody($"The Api says {code}.", code, hint)) };
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Assert.Equal($"/onboarding/claim/{ClaimId}", request.RequestUri!.AbsolutePath);
        lock (Tokens)
        {
            Tokens.Add(System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query)["t"] ?? "");
        }

        if (request.Method == HttpMethod.Get)
        {
            Interlocked.Increment(ref _previews);
            if (HoldPreview is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }

            return PreviewAnswer?.Invoke() ?? new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(new ClaimPreview(ClaimId, SessionId, Email, OrgSlug,
                    Now.AddMinutes(15).ToUnixTimeMilliseconds(), Expired, Confirmed)),
            };
        }

        Assert.Equal(HttpMethod.Post, request.Method);
        Interlocked.Increment(ref _confirms);
        if (HoldConfirm is { } held)
        {
            await held.Task.WaitAsync(cancellationToken);
        }

        if (ConfirmAnswer is { } answer)
        {
            return answer();
        }

        if (Confirmed)
        {
            return Error(HttpStatusCode.Conflict, "already_confirmed");
        }

        Confirmed = true;
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = JsonContent.Create(new ClaimConfirmed(true, OrgSlug, SessionId, ApiKey, "key_01JD8X3Q9V7M2T5K4R6N8P0W1Y", ApiKey[..12])),
        };
    }
}
