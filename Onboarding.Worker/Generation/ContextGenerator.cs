using System.Diagnostics;
using Onboarding.Worker.Crawling;
using Onboarding.Worker.Generation.Model;
using Onboarding.Worker.Generation.Offline;

namespace Onboarding.Worker.Generation;

/// <summary>
/// Runs the three generations (company, market, ideal customer profile) side by side, each in its own span
/// (<c>generate.company</c>, <c>generate.market</c>, <c>generate.icp</c>, tagged <c>onboarding.generator</c> =
/// <c>model</c> or <c>offline</c>). With a model configured each goes through it; a generation the model fails (error,
/// timeout, unusable answer) is logged and built by the offline extractor instead, so a run always completes.
/// </summary>
public sealed class ContextGenerator(ILogger<ContextGenerator> logger, ModelContextGenerator? model = null)
    : IContextGenerator
{
    public const string GeneratorTag = "onboarding.generator";
    public const string FallbackTag = "onboarding.generator.fallback";

    private static readonly ActivitySource ActivitySource = new(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName);

    public async Task<GeneratedContext> GenerateAsync(CrawledSite site, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        // The cleaned pages are shared by the three generations; preparing them is fast and runs once.
        var text = OfflineContextExtractor.Prepare(site);

        var company = RunAsync("company", model is null ? null : ct => model.CompanyAsync(text, ct), () => OfflineContextExtractor.Company(text), cancellationToken);
        var market = RunAsync("market", model is null ? null : ct => model.MarketAsync(text, ct), () => OfflineContextExtractor.Market(text), cancellationToken);
        var icp = RunAsync("icp", model is null ? null : ct => model.IcpAsync(text, ct), () => OfflineContextExtractor.Icp(text), cancellationToken);
        await Task.WhenAll(company, market, icp);

        return new GeneratedContext((await company).Value, (await market).Value, (await icp).Value)
        {
            CompanyBy = (await company).By,
            MarketBy = (await market).By,
            IcpBy = (await icp).By,
        };
    }

    private async Task<(T Value, GeneratorKind By)> RunAsync<T>(
        string part, Func<CancellationToken, Task<ModelResult<T>>>? viaModel, Func<T> viaExtractor, CancellationToken cancellationToken)
        where T : class
    {
        using var activity = ActivitySource.StartActivity("generate." + part);
        activity?.SetTag(GeneratorTag, viaModel is null ? "offline" : "model");

        if (viaModel is not null)
        {
            ModelResult<T> result;
            try
            {
                result = await viaModel(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // A fault in our own handling of the answer must not cost the run either; it is logged with its stack.
                logger.LogError(e, "Model generation of the {Part} context threw", part);
                result = new ModelResult<T>(null, "the generation threw " + e.GetType().Name);
            }

            if (result.Value is { } generated)
            {
                return (generated, GeneratorKind.Model);
            }

            logger.LogWarning("Model generation of the {Part} context failed ({Reason}); the offline extractor stands in", part, result.Failure);
            activity?.SetTag(GeneratorTag, "offline");
            activity?.SetTag(FallbackTag, result.Failure);
        }

        // Off the caller's thread, so the three offline extractions also run side by side.
        var extracted = await Task.Run(viaExtractor, cancellationToken);
        return (extracted, GeneratorKind.Offline);
    }
}
