using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Workspaces;

public sealed record ContextVersionsResponse(
    [property: Description("The generations kept, newest first.")] IReadOnlyList<ContextVersionView> Versions);

public sealed record ContextVersionView(
    [property: Description("1 for the first generation, counting up.")] int Version,
    string RunId,
    [property: Description("scrape (the first crawl) or regenerate.")] string Kind,
    DateTime GeneratedAt,
    CompanyContext CompanyContext,
    MarketContext MarketContext,
    IdealCustomerProfile Icp,
    [property: Description("What this generation changed since the one before it; empty for the first.")] IReadOnlyList<ContextChange> Changes);

public sealed record ContextChange(
    [property: Description("companyContext, marketContext or icp.")] string Part,
    [property: Description("The field's name, as in sources and evidence (e.g. description, products).")] string Field,
    [property: Description("added, removed or changed.")] string Change,
    [property: Description("The fact before (a value, or one item of a list); null when added.")] string? Before,
    [property: Description("The fact after; null when removed.")] string? After);

/// <summary>
/// Every generation of the user's context (the first scrape, each regenerate), as the runs wrote them, and what each
/// changed since the one before: fields added, removed or changed, and for lists the items added or removed.
/// </summary>
public sealed class ContextVersions(OnboardingDbContext db)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;

    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<ContextVersionView>> ListAsync(Workspace workspace, int limit, CancellationToken cancellationToken)
    {
        // One more than asked, so the oldest shown still has the one before it to compare with.
        var versions = await db.ContextVersions.AsNoTracking()
            .Where(v => v.UserId == workspace.UserId)
            .OrderByDescending(v => v.GeneratedAt).ThenByDescending(v => v.Id)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        var total = await db.ContextVersions.CountAsync(v => v.UserId == workspace.UserId, cancellationToken);
        return [.. versions.Take(limit).Select((version, i) => new ContextVersionView(
            total - i,
            version.RunId,
            version.Kind,
            Utc(version.GeneratedAt),
            version.CompanyContext,
            version.MarketContext,
            version.Icp,
            i + 1 < versions.Count ? Diff(versions[i + 1], version) : []))];
    }

    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>, part by part, field by field.</summary>
    public static IReadOnlyList<ContextChange> Diff(ContextVersion before, ContextVersion after) =>
    [
        .. Diff("companyContext", before.CompanyContext, after.CompanyContext),
        .. Diff("marketContext", before.MarketContext, after.MarketContext),
        .. Diff("icp", before.Icp, after.Icp),
    ];

    private static IEnumerable<ContextChange> Diff<T>(string part, T before, T after)
    {
        var old = Facts(JsonSerializer.SerializeToNode(before, Wire)!.AsObject());
        var now = Facts(JsonSerializer.SerializeToNode(after, Wire)!.AsObject());
        foreach (var field in old.Keys.Union(now.Keys))
        {
            var was = old.GetValueOrDefault(field) ?? [];
            var @is = now.GetValueOrDefault(field) ?? [];
            // A field of one value changed in place; in a list, each item is there or not.
            if (was.Count == 1 && @is.Count == 1 && was[0].Key == @is[0].Key)
            {
                if (was[0].Text != @is[0].Text)
                {
                    yield return new ContextChange(part, field, "changed", was[0].Text, @is[0].Text);
                }

                continue;
            }

            foreach (var item in was.Where(w => @is.All(i => i.Key != w.Key)))
            {
                yield return new ContextChange(part, field, "removed", item.Text, null);
            }

            foreach (var item in @is)
            {
                var same = was.FindIndex(w => w.Key == item.Key);
                if (same < 0)
                {
                    yield return new ContextChange(part, field, "added", null, item.Text);
                }
                else if (was[same].Text != item.Text)
                {
                    yield return new ContextChange(part, field, "changed", was[same].Text, item.Text);
                }
            }
        }
    }

    /// <summary>
    /// Each field's facts, as (key, text): a value is one fact keyed by the field; a list, one fact per item; a product
    /// is keyed by its name, so a new description is a change of that product. Sources and evidence say how a fact is
    /// known, not what it is, so they are not compared.
    /// </summary>
    private static Dictionary<string, List<(string Key, string Text)>> Facts(JsonObject part)
    {
        var facts = new Dictionary<string, List<(string Key, string Text)>>(StringComparer.Ordinal);
        foreach (var (field, value) in part)
        {
            if (field is "sources" or "evidence" || value is null)
            {
                continue;
            }

            facts[field] = value switch
            {
                JsonArray items => [.. items.OfType<JsonNode>().Select(Fact)],
                _ when value.ToString() is { Length: > 0 } text => [(field, text)],
                _ => [],
            };
        }

        return facts;
    }

    private static (string Key, string Text) Fact(JsonNode item) => item switch
    {
        JsonObject offering when offering["name"]?.ToString() is { } name =>
            (name, offering["description"]?.ToString() is { Length: > 0 } description ? $"{name}: {description}" : name),
        _ => (item.ToString(), item.ToString()),
    };
}
