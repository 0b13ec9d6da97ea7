using System.Text.Json;
using System.Text.Json.Nodes;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Api;

/// <summary>
/// docs/api/openapi.json is the document the Api serves, committed so that clients (the generated one in the end-to-end
/// tests among them) and reviewers read it without running the Api. Set ONBOARDING_WRITE_OPENAPI=1 to rewrite it after
/// changing an endpoint; the test then still fails, so a stale copy never passes unnoticed.
/// </summary>
public sealed class OpenApiDocumentTests(OnboardingApiFactory factory)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheCommittedDocumentIsTheOneServed()
    {
        var served = Normalized(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Cancel));
        var path = Path.Combine(RepositoryRoot(), "docs", "api", "openapi.json");
        var committed = File.Exists(path) ? Normalized(await File.ReadAllTextAsync(path, Cancel)) : "";

        if (served != committed && Environment.GetEnvironmentVariable("ONBOARDING_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served, Cancel);
            Assert.Fail($"{path} was rewritten from the served document; run again.");
        }

        Assert.True(served == committed, $"{path} differs from /openapi/v1.json: run this test with ONBOARDING_WRITE_OPENAPI=1 to rewrite it.");
    }

    private static string Normalized(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Onboarding.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository's root (Onboarding.sln) is not above the test's directory.");
    }
}
