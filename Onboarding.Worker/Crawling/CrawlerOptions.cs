using System.ComponentModel.DataAnnotations;

namespace Onboarding.Worker.Crawling;

/// <summary>The crawler's settings, section <c>Crawler</c>.</summary>
public sealed class CrawlerOptions
{
    public const string SectionName = "Crawler";

    /// <summary>
    /// <c>Crawler:AllowPrivateNetworks</c>: also crawl loopback and private addresses (never link-local, where cloud
    /// metadata lives). For tests and local demos only (<c>Crawler__AllowPrivateNetworks=true</c>); false by default, so
    /// a website cannot point the Worker at its own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary><c>Crawler:MaxPages</c>: pages fetched per site, home page included (the workspace contract: up to 10).</summary>
    [Range(1, 100)]
    public int MaxPages { get; set; } = 10;

    /// <summary><c>Crawler:Concurrency</c>: pages fetched at once from one site; small, to be polite.</summary>
    [Range(1, 16)]
    public int Concurrency { get; set; } = 3;

    /// <summary><c>Crawler:PageTimeout</c>: the limit on fetching one page (or robots.txt), headers and body.</summary>
    public TimeSpan PageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Crawler:CrawlTimeout</c>: the limit on the whole crawl after the home page.</summary>
    public TimeSpan CrawlTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary><c>Crawler:MaxPageBytes</c>: bytes read of one page after decompression; the rest is ignored.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxPageBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary><c>Crawler:MaxRedirects</c>: redirects followed per request.</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary><c>Crawler:UserAgent</c>: sent with every request; its first word is the robots.txt product token.</summary>
    [Required]
    public string UserAgent { get; set; } = "OnboardingBot/1.0";

    /// <summary>The robots.txt product token: the user agent up to its first slash.</summary>
    public string ProductToken => UserAgent.Split('/', ' ')[0];
}
