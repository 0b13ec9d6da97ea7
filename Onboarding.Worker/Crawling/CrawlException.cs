namespace Onboarding.Worker.Crawling;

/// <summary>Why a site could not be crawled.</summary>
public enum CrawlFailure
{
    InvalidUrl,
    DomainNotFound,
    BlockedAddress,
    Unreachable,
    Timeout,
    HttpError,
    NotHtml,
    TooManyRedirects,
    RobotsDisallowed,
}

/// <summary>
/// A crawl that cannot go on, with a message written for the person who gave the website. <see cref="Transient"/>
/// failures (timeouts, connection trouble, 5xx) may pass if tried again; the others will not.
/// </summary>
public sealed class CrawlException(CrawlFailure failure, string message, bool transient = false, Exception? inner = null)
    : Exception(message, inner)
{
    public CrawlFailure Failure { get; } = failure;

    public bool Transient { get; } = transient;
}
