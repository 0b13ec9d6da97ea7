using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Onboarding.Testing;
using Onboarding.Worker.Crawling;

namespace Onboarding.IntegrationTests.Worker.Crawling;

/// <summary>The crawler against the Ledgerline fixture site on loopback, and against what hostile sites and DNS do.</summary>
public sealed class SiteCrawlerTests : IAsyncLifetime
{
    private FixtureSite _site = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _site = await FixtureSite.StartAsync();

    public async ValueTask DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task TenPagesAreCrawledHomeFirstTheTellingOnesChosenAndRobotsHonoured()
    {
        var crawler = Crawler(allowPrivate: true);
        var progress = new List<CrawlProgress>();

        var opened = await crawler.OpenAsync(_site.BaseUrl, Cancel);
        var site = await crawler.CrawlAsync(opened, progress.Add, Cancel);

        Assert.Equal(10, site.Pages.Count);
        Assert.Equal(_site.BaseUrl, site.Pages[0].Url);
        var paths = site.Pages.Select(p => p.Url.AbsolutePath).ToList();
        Assert.Equal(paths.Count, paths.Distinct().Count());
        Assert.Subset(paths.ToHashSet(), new HashSet<string> { "/about", "/product", "/pricing", "/customers", "/features" });
        Assert.DoesNotContain("/login", paths);
        Assert.DoesNotContain("/careers", paths);
        Assert.DoesNotContain(_site.Requests, r => FixtureSite.DisallowedPaths.Contains(r));
        Assert.Contains("/robots.txt", _site.Requests);
        Assert.Equal(10, progress[^1].PagesFetched);
        Assert.True(progress[^1].PagesFound >= 14, $"found {progress[^1].PagesFound}");
        // The page's own content, without its navigation, cookie banner, scripts or footer.
        var home = site.Pages[0];
        Assert.Equal(FixtureSite.CompanyName, home.SiteName);
        Assert.Contains("mid-size manufacturers", home.MainText, StringComparison.Ordinal);
        Assert.DoesNotContain("tracking", home.MainText, StringComparison.Ordinal);
        Assert.DoesNotContain("cookies", home.MainText, StringComparison.Ordinal);
        Assert.DoesNotContain("© 2026", home.MainText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADomainThatDoesNotResolveFailsAtLookup()
    {
        var failure = await Assert.ThrowsAsync<CrawlException>(() =>
            Crawler(allowPrivate: true, resolver: new Resolver(_ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound)))
                .OpenAsync(new Uri("https://acme-nope.example/"), Cancel));

        Assert.Equal(CrawlFailure.DomainNotFound, failure.Failure);
        Assert.Equal("The website's domain acme-nope.example could not be found (DNS lookup failed).", failure.Message);
        Assert.False(failure.Transient);
    }

    [Fact]
    public async Task AMissingHomePageFailsWithItsStatus()
    {
        await using var missing = await FixtureSite.StartAsync(homeStatus: 404);

        var failure = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: true).OpenAsync(missing.BaseUrl, Cancel));

        Assert.Equal((CrawlFailure.HttpError, "The home page returned 404 Not Found.", false), (failure.Failure, failure.Message, failure.Transient));
    }

    [Fact]
    public async Task AServerErrorOnTheHomePageIsTransient()
    {
        await using var broken = await FixtureSite.StartAsync(homeStatus: 503);

        var failure = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: true).OpenAsync(broken.BaseUrl, Cancel));

        Assert.True(failure.Transient);
        Assert.Equal("The home page returned 503 Service Unavailable.", failure.Message);
    }

    [Fact]
    public async Task LoopbackIsRefusedUnlessPrivateNetworksAreAllowed()
    {
        var failure = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: false).OpenAsync(_site.BaseUrl, Cancel));

        Assert.Equal(CrawlFailure.BlockedAddress, failure.Failure);
        Assert.Contains("127.0.0.1", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("192.168.1.10")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public async Task ANameThatResolvesToAPrivateOrMetadataAddressIsRefused(string address)
    {
        var resolver = new Resolver(_ => [IPAddress.Parse(address)]);

        var failure = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: false, resolver).OpenAsync(new Uri("https://innocent.example/"), Cancel));

        Assert.Equal(CrawlFailure.BlockedAddress, failure.Failure);
        Assert.Contains("not allowed", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::1]/")]
    public async Task NumericSpellingsOfLoopbackAreRefused(string url)
    {
        var failure = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: false).OpenAsync(new Uri(url), Cancel));

        Assert.Equal(CrawlFailure.BlockedAddress, failure.Failure);
    }

    [Fact]
    public async Task DnsRebindingIsCaughtOnTheConnectionItself()
    {
        // A public answer first, loopback for every later lookup: a crawler that checked one lookup and connected after
        // another would reach the fixture. Ours connects to the address it checked, so nothing reaches it.
        var lookups = 0;
        var resolver = new Resolver(_ => Interlocked.Increment(ref lookups) == 1 ? [IPAddress.Parse("93.184.216.34")] : [IPAddress.Loopback]);
        var crawler = Crawler(allowPrivate: false, resolver);

        var failure = await Assert.ThrowsAnyAsync<CrawlException>(() => crawler.OpenAsync(new Uri($"http://rebind.example:{_site.BaseUrl.Port}/"), Cancel));

        Assert.True(failure.Failure is CrawlFailure.BlockedAddress or CrawlFailure.Unreachable or CrawlFailure.Timeout, failure.ToString());
        Assert.Empty(_site.Requests);
    }

    [Fact]
    public async Task ARedirectIsCheckedAgainAtEveryHop()
    {
        var crawler = Crawler(allowPrivate: true, resolver: new Resolver(host => host == "169.254.169.254" ? [IPAddress.Parse(host)] : [IPAddress.Loopback]));

        var toMetadata = await Assert.ThrowsAsync<CrawlException>(() => crawler.OpenAsync(new Uri(_site.BaseUrl, "/trap/to-metadata"), Cancel));
        var toFile = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: true).OpenAsync(new Uri(_site.BaseUrl, "/trap/to-file"), Cancel));
        var loop = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: true).OpenAsync(new Uri(_site.BaseUrl, "/trap/loop"), Cancel));
        var opened = await Crawler(allowPrivate: true).OpenAsync(new Uri(_site.BaseUrl, "/trap/hop/3"), Cancel);

        // Loopback is allowed here; the metadata address never is.
        Assert.Equal(CrawlFailure.BlockedAddress, toMetadata.Failure);
        Assert.Equal(CrawlFailure.InvalidUrl, toFile.Failure);
        Assert.Equal(CrawlFailure.TooManyRedirects, loop.Failure);
        Assert.Equal(_site.BaseUrl, opened.Home);
    }

    [Fact]
    public async Task ARedirectToAPrivateAddressIsRefusedWhenPrivateNetworksAreNot()
    {
        // The fixture's loopback address stands in for a public site; every other address meets the real rule.
        var options = Options.Create(new CrawlerOptions { AllowPrivateNetworks = false });
        var handler = SafeHttp.CreateHandler(new DnsHostResolver(), options, address => address.Equals(IPAddress.Loopback) || AddressPolicy.IsPublic(address));
        var crawler = new SiteCrawler(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, options, NullLogger<SiteCrawler>.Instance);

        var failure = await Assert.ThrowsAsync<CrawlException>(() => crawler.OpenAsync(new Uri(_site.BaseUrl, "/trap/to-private"), Cancel));

        Assert.Equal(CrawlFailure.BlockedAddress, failure.Failure);
        Assert.Contains("10.0.0.5", failure.Message, StringComparison.Ordinal);
        Assert.Contains("/trap/to-private", _site.Requests);
    }

    [Fact]
    public async Task AGzipBombAndAnEndlessBodyStopAtTheByteCap()
    {
        var crawler = Crawler(allowPrivate: true, configure: o => o.MaxPageBytes = 256 * 1024);

        var bomb = await crawler.OpenAsync(new Uri(_site.BaseUrl, "/trap/gzip-bomb"), Cancel);
        var endless = await crawler.OpenAsync(new Uri(_site.BaseUrl, "/trap/endless"), Cancel);

        Assert.True(bomb.HomePage.Page.MainText.Length <= 256 * 1024);
        Assert.True(endless.HomePage.Page.MainText.Length <= 256 * 1024);
        Assert.Contains("xxxx", endless.HomePage.Page.MainText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowServerHitsThePageTimeout()
    {
        var failure = await Assert.ThrowsAsync<CrawlException>(() =>
            Crawler(allowPrivate: true, configure: o => o.PageTimeout = TimeSpan.FromSeconds(1)).OpenAsync(new Uri(_site.BaseUrl, "/trap/slow"), Cancel));

        Assert.Equal((CrawlFailure.Timeout, true), (failure.Failure, failure.Transient));
        Assert.Contains("did not answer within 1 seconds", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHomePageThatIsNotHtmlIsRefused()
    {
        var failure = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: true).OpenAsync(new Uri(_site.BaseUrl, "/trap/pdf"), Cancel));

        Assert.Equal("The home page is not an HTML page (application/pdf).", failure.Message);
    }

    [Theory]
    [InlineData("ftp://acme.com/")]
    [InlineData("https://user:secret@acme.com/")]
    public async Task AWebsiteThatIsNotAPlainHttpUrlIsRefused(string url)
    {
        var failure = await Assert.ThrowsAsync<CrawlException>(() => Crawler(allowPrivate: true).OpenAsync(new Uri(url), Cancel));

        Assert.Equal(CrawlFailure.InvalidUrl, failure.Failure);
    }

    private static SiteCrawler Crawler(bool allowPrivate, IHostResolver? resolver = null, Action<CrawlerOptions>? configure = null)
    {
        var options = new CrawlerOptions { AllowPrivateNetworks = allowPrivate };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        var http = new HttpClient(SafeHttp.CreateHandler(resolver ?? new DnsHostResolver(), wrapped)) { Timeout = Timeout.InfiniteTimeSpan };
        return new SiteCrawler(http, wrapped, NullLogger<SiteCrawler>.Instance);
    }

    private sealed class Resolver(Func<string, IPAddress[]> answer) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(answer(host));
    }
}
