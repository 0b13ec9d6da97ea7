using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Generation;
using Onboarding.Worker.Generation.Offline;

namespace Onboarding.UnitTests;

/// <summary>
/// Serves a folder of <c>Fixtures/</c> to the real crawler through an in-memory handler, the way a static host does
/// (<c>/x</c> → 301 <c>/x/</c> for a folder, <c>/x</c> → <c>x.html</c>, 404 otherwise, no robots.txt), and records
/// every request, so a test sees what the crawl fetched as well as what the extractor made of it.
/// </summary>
internal sealed class FixtureSite(string folder) : HttpMessageHandler
{
    public static readonly Uri Host = new("http://fixture.test/");

    private readonly string _root = Path.Combine(AppContext.BaseDirectory, "Fixtures", folder);

    /// <summary>Every path requested, query included, with the status answered.</summary>
    public List<(string Path, int Status)> Requests { get; } = [];

    /// <summary>Paths answered 200 with a page (robots.txt, the sitemap and redirects left out).</summary>
    public IEnumerable<string> PagesServed => Requests.Where(r => r.Status == 200 && !r.Path.EndsWith(".xml", StringComparison.Ordinal)).Select(r => r.Path);

    public static async Task<(CrawledSite Site, GeneratedContext Context, FixtureSite Server)> CrawlAsync(string folder, string start = "/")
    {
        var server = new FixtureSite(folder);
        using var http = new HttpClient(server);
        var options = Options.Create(new CrawlerOptions());
        var crawler = new SiteCrawler(http, options, NullLogger<SiteCrawler>.Instance);
        var opened = await crawler.OpenAsync(new Uri(Host, start), CancellationToken.None);
        var site = await crawler.CrawlAsync(opened, null, CancellationToken.None);
        return (site, OfflineContextExtractor.Extract(site), server);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        var (status, location, file) = Resolve(path);
        lock (Requests)
        {
            Requests.Add((request.RequestUri.PathAndQuery, (int)status));
        }

        var response = new HttpResponseMessage(status) { RequestMessage = request };
        if (location is not null)
        {
            response.Headers.Location = new Uri(location + request.RequestUri.Query, UriKind.Relative);
        }

        response.Content = new ByteArrayContent(file is null ? Encoding.UTF8.GetBytes("<h1>Not found</h1>") : File.ReadAllBytes(file));
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(path.EndsWith(".xml", StringComparison.Ordinal) ? "application/xml" : "text/html") { CharSet = "utf-8" };
        return Task.FromResult(response);
    }

    private (HttpStatusCode Status, string? Location, string? File) Resolve(string path)
    {
        var local = Path.Combine(_root, path.TrimStart('/'));
        if (path.EndsWith('/'))
        {
            var index = Path.Combine(local, "index.html");
            return File.Exists(index) ? (HttpStatusCode.OK, null, index) : (HttpStatusCode.NotFound, null, null);
        }

        if (File.Exists(local) && (local.EndsWith(".html", StringComparison.Ordinal) || local.EndsWith(".xml", StringComparison.Ordinal)))
        {
            return (HttpStatusCode.OK, null, local);
        }

        if (Directory.Exists(local) && File.Exists(Path.Combine(local, "index.html")))
        {
            return (HttpStatusCode.MovedPermanently, path + "/", null);
        }

        return File.Exists(local + ".html") ? (HttpStatusCode.OK, null, local + ".html") : (HttpStatusCode.NotFound, null, null);
    }
}
