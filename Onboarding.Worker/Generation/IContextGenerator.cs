using Onboarding.Data.Model;
using Onboarding.Worker.Crawling;

namespace Onboarding.Worker.Generation;

/// <summary>Turns a crawled site into the workspace's company context, market context and ideal customer profile.</summary>
public interface IContextGenerator
{
    /// <summary>
    /// Runs the three generations side by side. Always completes with a result (a failed model generation falls back
    /// to the offline extractor); only cancellation ends it early.
    /// </summary>
    Task<GeneratedContext> GenerateAsync(CrawledSite site, CancellationToken cancellationToken);
}

/// <summary>Which path produced a part of the context.</summary>
public enum GeneratorKind
{
    /// <summary>The deterministic extractor: no model configured, or the model's answer was unusable.</summary>
    Offline,

    /// <summary>The configured chat model.</summary>
    Model,
}

/// <summary>The three generated contexts, and which path produced each.</summary>
public sealed record GeneratedContext(CompanyContext Company, MarketContext Market, IdealCustomerProfile Icp)
{
    public GeneratorKind CompanyBy { get; init; } = GeneratorKind.Offline;

    public GeneratorKind MarketBy { get; init; } = GeneratorKind.Offline;

    public GeneratorKind IcpBy { get; init; } = GeneratorKind.Offline;
}
