using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Onboarding.UnitTests.Architecture;

/// <summary>
/// Inside each service, folders are layers (docs/architecture.md): a folder may use the folders below it, never one
/// that uses it back, directly or through others. A namespace is its folder; a folder's subfolders belong to it, and
/// siblings inside a folder are layers too. ArchUnitNET reads every type's dependencies from the compiled assemblies.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly ArchUnitNET.Domain.Architecture Code = new ArchLoader().LoadAssemblies(
        typeof(Onboarding.Api.Apis.SessionsApi).Assembly,
        typeof(Onboarding.Worker.Jobs.JobRunner).Assembly,
        typeof(Onboarding.Web.Services.OnboardingApiClient).Assembly,
        typeof(Onboarding.Data.Infrastructure.OnboardingDbContext).Assembly).Build();

    [Theory]
    [InlineData("Onboarding.Api")]
    [InlineData("Onboarding.Worker")]
    [InlineData("Onboarding.Web")]
    [InlineData("Onboarding.Data")]
    [InlineData("Onboarding.Worker.Generation")]
    [InlineData("Onboarding.Web.Components")]
    public void NoFolderUsesAFolderThatUsesItBack(string parent)
    {
        var loops = Loops(parent);
        Assert.True(loops.Count == 0, string.Join(Environment.NewLine, loops));
    }

    /// <summary>
    /// The two generators stand side by side: the model's never reaches into the offline extractor. What both read with
    /// (the site as text, the evidence rule) lies below them, in Generation/Reading.
    /// </summary>
    [Fact]
    public void TheModelGeneratorDoesNotUseTheOfflineExtractor()
    {
        var rule = Types().That().ResideInNamespace("Onboarding.Worker.Generation.Model")
            .Should().NotDependOnAny(Types().That().ResideInNamespace("Onboarding.Worker.Generation.Offline"));
        var violations = rule.Evaluate(Code).Where(result => !result.Passed).Select(result => result.Description).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    /// <summary>Each pair of folders under <paramref name="parent"/> that reach each other, with one dependency each way.</summary>
    private static List<string> Loops(string parent)
    {
        var uses = new Dictionary<(string From, string To), string>();
        foreach (var type in Code.Types)
        {
            if (FolderOf(type, parent) is not { } from)
            {
                continue;
            }

            foreach (var dependency in type.Dependencies)
            {
                if (FolderOf(dependency.Target, parent) is { } to && to != from)
                {
                    uses.TryAdd((from, to), $"{type.FullName} uses {dependency.Target.FullName}");
                }
            }
        }

        var folders = uses.Keys.SelectMany(edge => new[] { edge.From, edge.To }).Distinct().Order(StringComparer.Ordinal).ToList();
        var reach = folders.ToDictionary(folder => folder, folder => Reachable(folder, uses.Keys));
        return
        [
            .. from a in folders
               from b in folders
               where string.CompareOrdinal(a, b) < 0 && reach[a].Contains(b) && reach[b].Contains(a)
               select $"{a} and {b} use each other: {Path(a, b, uses)} … {Path(b, a, uses)}",
        ];
    }

    private static string? FolderOf(IType type, string parent)
    {
        // A generic parameter (the T of a method) is no folder's type, whatever namespace the loader gives it.
        var name = type is GenericParameter ? null : type.Namespace?.FullName;
        return name is not null && name.StartsWith(parent + ".", StringComparison.Ordinal) ? name[(parent.Length + 1)..].Split('.')[0] : null;
    }

    private static HashSet<string> Reachable(string start, IEnumerable<(string From, string To)> edges)
    {
        var seen = new HashSet<string>();
        var next = new Stack<string>([start]);
        while (next.TryPop(out var folder))
        {
            foreach (var (_, to) in edges.Where(edge => edge.From == folder))
            {
                if (seen.Add(to))
                {
                    next.Push(to);
                }
            }
        }

        return seen;
    }

    /// <summary>The direct dependency from <paramref name="a"/> to <paramref name="b"/>, or the first step towards it.</summary>
    private static string Path(string a, string b, Dictionary<(string From, string To), string> uses) =>
        uses.TryGetValue((a, b), out var direct) ? direct : uses.First(edge => edge.Key.From == a).Value;
}
