using Onboarding.Web.Services;

namespace Onboarding.Web.Sessions;

/// <summary>
/// A viewer's reads of its session, each with the newest view token: every successful read hands out the token for
/// the next (the Api rotates it on each read), and <paramref name="rotated"/> hears of it. A read that fails in a way
/// the client did not foresee is logged and answered as an unavailable Api, never thrown.
/// </summary>
internal sealed class TokenReader(OnboardingApiClient api, ILogger logger, string sessionId, string? token, Action<string> rotated)
{
    private volatile string? _token = token;

    public bool HasToken => !string.IsNullOrWhiteSpace(_token);

    /// <summary>The session's metadata and a page of its events, as the window shows them.</summary>
    public async Task<SessionRead> ReadAsync(EventRange range, CancellationToken cancellationToken)
    {
        var read = await GuardAsync(() => api.ReadSessionAsync(sessionId, _token!, range, cancellationToken), Unavailable);
        if (read.View is { } view)
        {
            Rotate(view.ViewToken);
        }

        return read;
    }

    /// <summary>A verification read: the page's JSON goes to <paramref name="verify"/>, which keeps nothing of it.</summary>
    public async Task<(ChainPage? Page, SessionRead? Failure)> ReadChainAsync(
        EventRange range, Func<ReadOnlySpan<byte>, ChainPage?> verify, CancellationToken cancellationToken)
    {
        var read = await GuardAsync(() => api.ReadSessionJsonAsync(sessionId, _token!, range, verify, cancellationToken), e => (null, Unavailable(e)));
        if (read.Page is { } page)
        {
            Rotate(page.ViewToken);
        }

        return read;
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> read, Func<Exception, T> failed)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Reading session {SessionId} failed unexpectedly", sessionId);
            return failed(e);
        }
    }

    private static SessionRead Unavailable(Exception e) => SessionRead.Failed(SessionReadFailure.ApiUnavailable, e.Message);

    private void Rotate(string next)
    {
        _token = next;
        rotated(next);
    }
}
