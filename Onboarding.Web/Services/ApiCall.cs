using System.Text.Json;
using Polly;

namespace Onboarding.Web.Services;

/// <summary>
/// How every client of the Web calls the Api: each way the Api can fail to answer becomes one "unavailable" result the
/// page can show, never an exception; and an error answer's body is read when it is JSON.
/// </summary>
internal static class ApiCall
{
    /// <summary>
    /// Runs one call; a refused or cut connection, HttpClient's own timeout, the resilience pipeline giving up (its
    /// total timeout, an open circuit) or an answer that is not the JSON it should be goes to <paramref name="unavailable"/>
    /// with what happened. Only the caller's own cancellation passes through.
    /// </summary>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> call, Func<string, T> unavailable, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e)
        {
            return unavailable(e.Message);
        }
        catch (JsonException e)
        {
            return unavailable("The Api's answer is not the expected JSON: " + e.Message);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation, as does a caller's deadline for reading a body.
            return unavailable("The Api did not answer in time: " + e.Message);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The connection was cut while a streamed answer was being read.
            return unavailable("The Api's answer was cut off: " + e.Message);
        }
        catch (ExecutionRejectedException e)
        {
            return unavailable(e.Message);
        }
    }

    /// <summary>An answer's body as <typeparamref name="T"/>, or null when it is not JSON (a proxy's page, an empty body).</summary>
    public static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/json" or "application/problem+json"))
        {
            return default;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
