using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Onboarding.Worker.Crawling;

/// <summary>Pages found (distinct same-site links discovered) and fetched so far.</summary>
public readonly record struct CrawlProgress(int PagesFound, int PagesFetched);

/// <summary>A site whose home page answered: where it really lives (after redirects), its robots.txt and its home page.</summary>
public sealed record OpenedSite(Uri Home, RobotsTxt Robots, ReadPage HomePage);

/// <summary>
/// Crawls a company's website in two steps: <see cref="OpenAsync"/> looks it up (DNS, robots.txt, home
/// page) and <see cref="CrawlAsync"/> gathers up to <see cref="CrawlerOptions.MaxPages"/> pages, the most telling
/// first (about, product, pricing, customers…), a few at a time, within time and size caps and robots.txt. Every
/// connection goes through <see cref="SafeHttp"/>.
/// </summary>
public sealed class SiteCrawler(HttpClient http, IOptions<CrawlerOptions> options, ILogger<SiteCrawler> logger)
{
    private readonly CrawlerOptions _options = options.Value;

    public async Task<OpenedSite> OpenAsync(Uri website, CancellationToken cancellationToken)
    {
        if (!website.IsAbsoluteUri || website.Scheme is not ("http" or "https") || website.UserInfo.Length > 0 || website.Host.Length == 0)
        {
            throw new CrawlException(CrawlFailure.InvalidUrl, "The website URL must be an absolute http or https URL, such as https://acme.com.");
        }

        website = PageReader.Canonical(website);
        var robots = await RobotsAsync(website, cancellationToken);
        if (!robots.IsAllowed(website))
        {
            throw new CrawlException(CrawlFailure.RobotsDisallowed, $"The website's robots.txt does not allow crawling its home page ({website}).");
        }

        var home = await FetchAsync(website, "The home page", robots, cancellationToken);
        if (home is null)
        {
            throw new CrawlException(CrawlFailure.RobotsDisallowed, "The home page redirects to a page the website's robots.txt does not allow crawling.");
        }

        return new OpenedSite(home.Page.Url, robots, home);
    }

    /// <summary>
    /// Keeps <see cref="CrawlerOptions.Concurrency"/> fetches going, starting the most telling link known as soon as one
    /// ends (links found on a page join the choice at once), and reports the counts after each page without waiting.
    /// </summary>
    public async Task<CrawledSite> CrawlAsync(OpenedSite site, Action<CrawlProgress>? progress, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.CrawlTimeout);

        var pages = new List<(ReadPage Page, int Taken)> { (site.HomePage, 0) };
        var scope = new CrawlScope(site.Home, site.HomePage.Page.Language);
        scope.IsRepeat(site.Home, PageReader.Canonical(site.HomePage.Page.Url), site.HomePage.Page.MainText);
        var seen = new HashSet<string>(StringComparer.Ordinal) { CrawlScope.Key(site.Home), CrawlScope.Key(site.HomePage.Page.Url) };
        var frontier = new List<(PageLink Link, int Depth)>();
        var fetching = new Dictionary<Task<ReadPage?>, (PageLink Link, int Depth, int Taken)>();
        var found = 0;
        var taken = 0;
        var skipped = new List<(Uri Url, string Reason)>();
        void Skipped(Uri url, string reason)
        {
            skipped.Add((url, reason));
            SkippedLink(url, reason);
        }

        void Discover(ReadPage page, int depth)
        {
            foreach (var link in page.Links)
            {
                var url = CrawlScope.WithoutQuery(link.Url);
                if (PageReader.SameSite(url, site.Home) && seen.Add(CrawlScope.Key(url)))
                {
                    found++;
                    if (!site.Robots.IsAllowed(url))
                    {
                        Skipped(url, "robots.txt does not allow it");
                    }
                    else if (scope.Refusal(url) is { } reason)
                    {
                        Skipped(url, reason);
                    }
                    else
                    {
                        frontier.Add((link with { Url = url }, depth));
                    }
                }
            }
        }

        Discover(site.HomePage, 1);
        // The sitemap lists pages the home page may not link to (a pricing page two clicks away).
        var sitemap = await SitemapAsync(site, deadline.Token);
        Discover(new ReadPage(site.HomePage.Page, sitemap), 2);
        progress?.Invoke(new CrawlProgress(found, pages.Count));
        while (true)
        {
            while (fetching.Count < _options.Concurrency && pages.Count + fetching.Count < _options.MaxPages
                && frontier.Count > 0 && !deadline.IsCancellationRequested)
            {
                // The most telling link first, the shallowest among equals.
                var next = frontier.MaxBy(f => LinkRanking.Score(f.Link) - f.Depth);
                frontier.Remove(next);
                // A budget may have filled since the link was found.
                if (scope.Refusal(next.Link.Url) is { } reason)
                {
                    Skipped(next.Link.Url, reason);
                    continue;
                }

                scope.Claim(next.Link.Url);
                fetching.Add(TryFetchAsync(next.Link.Url, site.Robots, scope, deadline.Token), (next.Link, next.Depth, ++taken));
            }

            if (fetching.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(fetching.Keys);
            fetching.Remove(done, out var chosen);
            var page = await done;
            // A redirect may land on a page already taken, and two addresses may serve one content.
            if (page is null)
            {
                continue;
            }

            if (scope.IsRepeat(chosen.Link.Url, page.Page.Url, page.Page.MainText))
            {
                Skipped(chosen.Link.Url, "the same content as a page already read");
                continue;
            }

            pages.Add((page, chosen.Taken));
            Discover(page, chosen.Depth + 1);
            progress?.Invoke(new CrawlProgress(found, pages.Count));
        }

        // One step of the run's timeline says which found links were left and why.
        if (skipped.Count > 0)
        {
            using var summary = RunTelemetry.Source.StartActivity("skip links")?.SetTag(Jobs.RunTimeline.DetailTag,
                $"{skipped.Count} links not taken: " + string.Join("; ", skipped.Select(s => $"{s.Url.PathAndQuery} ({s.Reason})")));
        }

        logger.LogInformation("Crawled {Pages} pages of {Site} ({Found} links found)", pages.Count, site.Home, found);
        // In the order the links were chosen, not the order the fetches happened to end.
        return new CrawledSite(site.Home, pages.OrderBy(p => p.Taken).Select(p => p.Page.Page).ToList());
    }

    /// <summary>The same-site page URLs of <c>/sitemap.xml</c>, or none: a sitemap is a hint, so any failure adds nothing.</summary>
    private async Task<List<PageLink>> SitemapAsync(OpenedSite site, CancellationToken cancellationToken)
    {
        var url = new Uri(site.Home, "/sitemap.xml");
        if (!site.Robots.IsAllowed(url))
        {
            return [];
        }

        using var span = RunTelemetry.Source.StartActivity("read sitemap")?.SetTag(Jobs.RunTimeline.DetailTag, url.ToString());
        try
        {
            var (_, status, _, body) = await GetAsync(url, "The sitemap", sameSiteAs: url, cancellationToken);
            span?.SetTag("http.response.status_code", (int)status);
            return status == HttpStatusCode.OK ? Sitemap.Links(body, site.Home) : [];
        }
        catch (Exception e) when (e is CrawlException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }

    /// <summary>Why a found link was not taken: in the log, and as an event of the crawl's span.</summary>
    private void SkippedLink(Uri url, string reason)
    {
        logger.LogDebug("Skipped {Url}: {Reason}", url, reason);
        Activity.Current?.AddEvent(new ActivityEvent("link.skipped", tags: new ActivityTagsCollection { ["url.full"] = url.ToString(), ["reason"] = reason }));
    }

    /// <summary>A page other than the home page: any failure skips it.</summary>
    private async Task<ReadPage?> TryFetchAsync(Uri url, RobotsTxt robots, CrawlScope scope, CancellationToken cancellationToken)
    {
        try
        {
            return await FetchAsync(url, "The page", robots, cancellationToken, scope);
        }
        catch (CrawlException e)
        {
            logger.LogInformation("Skipped {Url}: {Reason}", url, e.Message);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            // The crawl's own deadline: what was gathered so far is the result.
            return null;
        }
    }

    /// <summary>Fetches one page, following redirects within the site; null when robots.txt forbids where it leads.</summary>
    private async Task<ReadPage?> FetchAsync(Uri url, string what, RobotsTxt robots, CancellationToken cancellationToken, CrawlScope? scope = null)
    {
        using var span = RunTelemetry.Source.StartActivity($"fetch {url.AbsolutePath}")
            ?.SetTag("url.full", url.ToString())
            .SetTag(Jobs.RunTimeline.DetailTag, url.ToString());
        try
        {
            var (final, status, contentType, body) = await GetAsync(url, what, sameSiteAs: url, cancellationToken, scope);
            span?.SetTag("http.response.status_code", (int)status).SetTag("onboarding.page.bytes", body.Length);
            if (!robots.IsAllowed(final))
            {
                return null;
            }

            if (status is not HttpStatusCode.OK and not HttpStatusCode.NonAuthoritativeInformation)
            {
                throw new CrawlException(CrawlFailure.HttpError, $"{what} returned {(int)status} {Reason(status)}.", transient: (int)status >= 500 || status == HttpStatusCode.TooManyRequests);
            }

            var mediaType = contentType?.MediaType;
            if (mediaType is not ("text/html" or "application/xhtml+xml"))
            {
                throw new CrawlException(CrawlFailure.NotHtml, $"{what} is not an HTML page ({mediaType ?? "no content type"}).");
            }

            var html = Charset.Decode(body, contentType);
            return PageReader.Read(final, html);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    /// <summary>GET with redirects followed by hand (each hop re-checked), the body read up to the size cap.</summary>
    private async Task<(Uri Url, HttpStatusCode Status, MediaTypeHeaderValue? ContentType, byte[] Body)> GetAsync(
        Uri url, string what, Uri? sameSiteAs, CancellationToken cancellationToken, CrawlScope? scope = null)
    {
        var requested = url;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PageTimeout);
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.UserAgent.ParseAdd(_options.UserAgent);
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,*/*;q=0.1");
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (Exception e)
            {
                throw Failure(e, url, what, timeout, cancellationToken);
            }

            using (response)
            {
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    var next = new Uri(url, location);
                    if (hop >= _options.MaxRedirects)
                    {
                        throw new CrawlException(CrawlFailure.TooManyRedirects, $"{what} redirects more than {_options.MaxRedirects} times.");
                    }

                    if (next.Scheme is not ("http" or "https") || next.UserInfo.Length > 0)
                    {
                        throw new CrawlException(CrawlFailure.InvalidUrl, $"{what} redirects to {next.Scheme}: addresses, which are not crawled.");
                    }

                    // The home page may move the site (http → https, bare → www); other pages stay on the site.
                    if (sameSiteAs is not null && !PageReader.SameSite(next, sameSiteAs) && what != "The home page")
                    {
                        throw new CrawlException(CrawlFailure.HttpError, $"{what} redirects to another site ({next.Host}).");
                    }

                    // "/pricing" → "/pricing/" when "/pricing/" was read already: the page is not fetched twice.
                    if (scope is not null && scope.IsTaken(requested, next))
                    {
                        throw new CrawlException(CrawlFailure.HttpError, $"{what} redirects to a page already read ({next.AbsolutePath}).");
                    }

                    url = PageReader.Canonical(next);
                    continue;
                }

                try
                {
                    var body = await ReadCappedAsync(response.Content, timeout.Token);
                    return (url, response.StatusCode, response.Content.Headers.ContentType, body);
                }
                catch (Exception e)
                {
                    throw Failure(e, url, what, timeout, cancellationToken);
                }
            }
        }
    }

    /// <summary>Reads at most <see cref="CrawlerOptions.MaxPageBytes"/> of the decompressed body, so a gzip bomb or an endless body stops there.</summary>
    private async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        // Grown as the body arrives: pages are tens of kilobytes, and a buffer the size of the cap for each one kept
        // the garbage collector busy.
        var cap = _options.MaxPageBytes;
        using var body = new MemoryStream((int)Math.Min(Math.Max(content.Headers.ContentLength ?? 0, 16 * 1024), cap));
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (body.Length < cap)
            {
                var read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, cap - body.Length)), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                body.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return body.ToArray();
    }

    private async Task<RobotsTxt> RobotsAsync(Uri website, CancellationToken cancellationToken)
    {
        var url = new Uri(website, "/robots.txt");
        using var span = RunTelemetry.Source.StartActivity("fetch /robots.txt")?.SetTag(Jobs.RunTimeline.DetailTag, url.ToString());
        var (_, status, _, body) = await GetAsync(url, "robots.txt", sameSiteAs: null, cancellationToken);
        span?.SetTag("http.response.status_code", (int)status);
        return (int)status switch
        {
            >= 200 and < 300 => RobotsTxt.Parse(Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, RobotsTxt.MaxBytes))), _options.ProductToken),
            >= 400 and < 500 => RobotsTxt.AllowAll,
            _ => throw new CrawlException(CrawlFailure.HttpError,
                $"The website's robots.txt answered {(int)status} {Reason(status)}, so crawling is not allowed for now (RFC 9309).", transient: true),
        };
    }

    /// <summary>Says in a person's words why a request failed.</summary>
    private CrawlException Failure(Exception e, Uri url, string what, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        if (e is CrawlException crawl)
        {
            return crawl;
        }

        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw e;
        }

        if (e is OperationCanceledException && timeout.IsCancellationRequested)
        {
            return new CrawlException(CrawlFailure.Timeout, $"{what} did not answer within {_options.PageTimeout.TotalSeconds:0} seconds ({url}).", transient: true, e);
        }

        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case BlockedAddressException blocked:
                    return new CrawlException(CrawlFailure.BlockedAddress,
                        $"The website's address {blocked.Host} resolves to {blocked.Address}, a private or reserved network address, which is not allowed.", inner: e);
                case HostNotFoundException notFound:
                    return new CrawlException(CrawlFailure.DomainNotFound, $"The website's domain {notFound.Host} could not be found (DNS lookup failed).", inner: e);
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData }:
                    return new CrawlException(CrawlFailure.DomainNotFound, $"The website's domain {url.Host} could not be found (DNS lookup failed).", inner: e);
            }
        }

        return new CrawlException(CrawlFailure.Unreachable, $"{what} could not be reached ({url}): {e.GetBaseException().Message}", transient: true, e);
    }

    private static string Reason(HttpStatusCode status) =>
        System.Text.RegularExpressions.Regex.Replace(status.ToString(), "(?<=[a-z])(?=[A-Z])", " ");
}
