using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Onboarding.Testing;

/// <summary>
/// The website of Ledgerline, a fictional B2B company (accounts-payable automation for mid-size manufacturers),
/// on a free loopback port: 16 linked pages with real navigation, header and footer around the content, and a
/// robots.txt that disallows some of them. Every request is recorded. Under <c>/trap/</c> it also serves what a
/// hostile site would: a gzip bomb, an endless body, a slow drip, redirects elsewhere, a PDF.
/// </summary>
public sealed class FixtureSite : IAsyncDisposable
{
    public const string CompanyName = "Ledgerline";

    private readonly WebApplication _app;

    private FixtureSite(WebApplication app) => _app = app;

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);

    /// <summary>Paths requested, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>
    /// Makes requests for <paramref name="path"/> wait until <see cref="Release"/>, so a crawl stays in the step that
    /// fetches it for as long as a test needs to look.
    /// </summary>
    public void Hold(string path) => _holds[path] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Changes every page as it is served, as a site's owners would edit it between two crawls.</summary>
    public Func<string, string>? Rewrite { get; set; }

    public void Release(string path)
    {
        if (_holds.TryRemove(path, out var hold))
        {
            hold.TrySetResult();
        }
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The pages linked from the site, by path.</summary>
    public static IReadOnlyCollection<string> PagePaths => Pages.Keys;

    /// <summary>Paths robots.txt disallows for every crawler.</summary>
    public static readonly string[] DisallowedPaths = ["/internal/pricing-calculator", "/partners"];

    /// <summary>
    /// Starts the site; with <paramref name="homeStatus"/> other than 200 the home page answers with that status. With
    /// <paramref name="stallFirstHomeRequest"/> the first request for the home page never answers (until its client
    /// goes away), as a crawler killed mid-fetch would see it; later ones answer normally.
    /// </summary>
    public static async Task<FixtureSite> StartAsync(int homeStatus = 200, bool stallFirstHomeRequest = false)
    {
        var stalled = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new FixtureSite(app);
        app.Use(async (context, next) =>
        {
            site.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            if (site._holds.TryGetValue(context.Request.Path, out var hold))
            {
                await hold.Task.WaitAsync(context.RequestAborted);
            }

            await next(context);
        });
        app.MapGet("/robots.txt", () => Results.Text(
            """
            # Ledgerline robots
            User-agent: *
            Disallow: /internal/
            Disallow: /partners
            Allow: /internal/press-kit

            User-agent: SomeOtherBot
            Disallow: /
            """, "text/plain"));
        app.MapGet("/", async (HttpContext context) =>
        {
            if (stallFirstHomeRequest && Interlocked.Exchange(ref stalled, 1) == 0)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.Empty;
            }

            return homeStatus == 200 ? site.Html(Pages["/"], "/") : Results.StatusCode(homeStatus);
        });
        app.MapGet("/{**path}", (string path) =>
            Pages.TryGetValue("/" + path, out var page) ? site.Html(page, "/" + path)
            : "/" + path == "/internal/pricing-calculator" || "/" + path == "/partners" ? site.Html(new("Secret", "", "Secret", "<p>Should never be crawled.</p>"), "/" + path)
            : Results.NotFound());
        MapTraps(app);
        await app.StartAsync();
        site.BaseUrl = new Uri(app.Urls.First());
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var path in _holds.Keys)
        {
            Release(path);
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Page(string Title, string Description, string Heading, string Body);

    private static readonly string[] Navigation = ["/", "/about", "/product", "/features", "/pricing", "/customers", "/solutions/automotive-suppliers", "/solutions/industrial-equipment", "/integrations", "/security", "/blog", "/careers", "/contact", "/partners", "/internal/pricing-calculator", "/login"];

    private static readonly Dictionary<string, Page> Pages = new()
    {
        ["/"] = new("Ledgerline — Accounts payable automation for mid-size manufacturers", "Ledgerline automates accounts payable for mid-size manufacturers: invoice capture, three-way matching and supplier payments in one platform.",
            "Accounts payable on autopilot for manufacturers",
            """
            <p>Ledgerline is the accounts payable automation platform built for mid-size manufacturers with 200 to 2,000 employees. We capture every supplier invoice, match it against purchase orders and goods receipts, and pay suppliers on time.</p>
            <h2>Stop keying invoices into your ERP</h2>
            <p>AP clerks at manufacturers spend hours every week typing supplier invoices into spreadsheets and ERP screens. Manual entry causes errors, late payments and missed early-payment discounts.</p>
            <h2>Trusted by finance teams at</h2>
            <p>Brightwater Castings, Northfield Hydraulics, Kessler Automotive Components and Tri-County Plastics.</p>
            """),
        ["/about"] = new("About us | Ledgerline", "Ledgerline was founded in 2019 in Columbus, Ohio by former plant controllers.",
            "About Ledgerline",
            """
            <p>Ledgerline was founded in 2019 by two former plant controllers who were tired of chasing paper invoices across three factories. Ledgerline is based in Columbus, Ohio, and serves manufacturers across North America and Europe.</p>
            <p>Our mission is to give every controller and CFO at a mid-size manufacturer a close that takes days, not weeks.</p>
            """),
        ["/product"] = new("Product | Ledgerline", "One platform for invoice capture, matching, approvals and supplier payments.",
            "The Ledgerline platform",
            """
            <h2>Invoice Capture</h2><p>Reads PDF and paper invoices with 99.5% field accuracy, in 30 languages.</p>
            <h2>Three-Way Matching</h2><p>Matches invoices to purchase orders and goods receipts automatically and flags price and quantity variances.</p>
            <h2>Approval Workflows</h2><p>Routes exceptions to plant managers and controllers with mobile approvals.</p>
            <h2>Supplier Payments</h2><p>Pays suppliers by ACH, wire or virtual card and captures early-payment discounts.</p>
            """),
        ["/features"] = new("Features | Ledgerline", "Everything an AP team at a manufacturer needs.", "Features",
            "<ul><li>Duplicate invoice detection</li><li>Multi-entity and multi-plant support</li><li>Audit trail for SOX compliance</li></ul>"),
        ["/pricing"] = new("Pricing | Ledgerline", "Simple pricing per invoice volume.", "Pricing",
            """
            <h2>Starter</h2><p>$499 per month for up to 500 invoices a month.</p>
            <h2>Growth</h2><p>$1,299 per month for up to 2,500 invoices a month.</p>
            <h2>Enterprise</h2><p>Contact sales for multi-plant groups.</p>
            """),
        ["/customers"] = new("Customers | Ledgerline", "How manufacturers close faster with Ledgerline.", "Customer stories",
            """
            <h2>Northfield Hydraulics cut invoice processing time by 80%</h2><p>The AP team of four now handles 3,000 invoices a month without overtime.</p>
            <h2>Kessler Automotive Components captures 2% early-payment discounts</h2><p>Their CFO says the platform paid for itself in one quarter.</p>
            """),
        ["/solutions/automotive-suppliers"] = new("Ledgerline for automotive suppliers", "AP automation for Tier 1 and Tier 2 automotive suppliers.", "For automotive suppliers",
            "<p>Tier 1 and Tier 2 automotive suppliers process thousands of steel and component invoices a month. Ledgerline matches them against blanket purchase orders.</p>"),
        ["/solutions/industrial-equipment"] = new("Ledgerline for industrial equipment makers", "AP automation for industrial equipment manufacturers.", "For industrial equipment manufacturers",
            "<p>Industrial equipment makers juggle project-based purchasing across plants. Ledgerline gives controllers one view of every open invoice.</p>"),
        ["/integrations"] = new("Integrations | Ledgerline", "Connects to NetSuite, SAP Business One, Microsoft Dynamics 365 and Epicor.", "Integrations",
            "<p>Ledgerline integrates with NetSuite, SAP Business One, Microsoft Dynamics 365 Business Central and Epicor Kinetic.</p>"),
        ["/security"] = new("Security | Ledgerline", "SOC 2 Type II certified.", "Security", "<p>Ledgerline is SOC 2 Type II certified and encrypts data at rest and in transit.</p>"),
        ["/blog"] = new("Blog | Ledgerline", "News from Ledgerline.", "Blog",
            """<p><a href="/blog/month-end-close-checklist">The month-end close checklist</a></p><p><a href="/blog/three-way-matching-explained">Three-way matching explained</a></p>"""),
        ["/blog/month-end-close-checklist"] = new("The month-end close checklist | Ledgerline", "A checklist.", "The month-end close checklist", "<p>Ten steps to a faster close.</p>"),
        ["/blog/three-way-matching-explained"] = new("Three-way matching explained | Ledgerline", "An explainer.", "Three-way matching explained", "<p>What three-way matching is.</p>"),
        ["/careers"] = new("Careers | Ledgerline", "Join us.", "Careers", "<p>We are hiring engineers in Columbus.</p>"),
        ["/contact"] = new("Contact | Ledgerline", "Talk to sales.", "Contact us", "<p>Email sales@ledgerline.example or call +1 614 555 0100.</p>"),
        ["/login"] = new("Log in | Ledgerline", "Log in.", "Log in", "<p>Sign in to your account.</p>"),
        ["/internal/press-kit"] = new("Press kit | Ledgerline", "Logos.", "Press kit", "<p>Logos and screenshots.</p>"),
    };

    private IResult Html(Page page, string path)
    {
        var nav = string.Join("", Navigation.Select(href => $"""<li><a href="{href}">{Label(href)}</a></li>"""));
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>{{page.Title}}</title>
              <meta name="description" content="{{page.Description}}">
              <meta property="og:site_name" content="{{CompanyName}}">
              <script>window.analytics = "tracking";</script>
              <style>body { margin: 0 }</style>
            </head>
            <body>
              <header><a href="/">{{CompanyName}}</a><nav><ul>{{nav}}</ul></nav></header>
              <div class="cookie-banner">We use cookies to improve your experience.</div>
              <main>
                <h1>{{page.Heading}}</h1>
                {{page.Body}}
                <p><a href="/contact">Book a demo</a></p>
              </main>
              <footer><a href="/privacy">Privacy</a> <a href="mailto:hi@ledgerline.example">Email</a> <a href="/brochure.pdf">Brochure</a> <a href="https://twitter.example/ledgerline">Twitter</a> © 2026 Ledgerline, Inc.</footer>
            </body>
            </html>
            """;
        return Results.Content(Rewrite?.Invoke(html) ?? html, "text/html; charset=utf-8");
    }

    private static string Label(string href) => href == "/" ? "Home" : href.Split('/')[^1].Replace('-', ' ');

    /// <summary>What a hostile or broken site serves.</summary>
    private static void MapTraps(WebApplication app)
    {
        app.MapGet("/trap/gzip-bomb", (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentType = "text/html";
            return context.Response.Body.WriteAsync(Bomb.Value).AsTask();
        });
        app.MapGet("/trap/endless", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html";
            var chunk = Encoding.UTF8.GetBytes("<p>" + new string('x', 8192) + "</p>");
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        app.MapGet("/trap/slow", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html";
            await context.Response.StartAsync(context.RequestAborted);
            for (var i = 0; i < 600 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.WriteAsync("<p>.</p>", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(100, context.RequestAborted);
            }
        });
        app.MapGet("/trap/pdf", () => Results.Bytes("%PDF-1.4"u8.ToArray(), "application/pdf"));
        app.MapGet("/trap/to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        app.MapGet("/trap/to-private", () => Results.Redirect("http://10.0.0.5/admin"));
        app.MapGet("/trap/to-file", () => Results.Redirect("file:///etc/passwd"));
        app.MapGet("/trap/loop", () => Results.Redirect("/trap/loop"));
        app.MapGet("/trap/hop/{n:int}", (int n) => n > 0 ? Results.Redirect($"/trap/hop/{n - 1}") : Results.Redirect("/"));
    }

    // 64 MiB of spaces, a few dozen KiB compressed: far past any page cap once inflated.
    private static readonly Lazy<byte[]> Bomb = new(() =>
    {
        var spaces = new byte[64 * 1024 * 1024];
        Array.Fill(spaces, (byte)' ');
        return Compress(spaces);
    });

    private static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
