using Onboarding.Data.Model;
using Onboarding.Worker.Generation.Reading;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>One candidate value and the evidence for it: a score summed over sightings, and the pages it was seen on.</summary>
internal sealed class Candidate(string key, string value, int order)
{
    public string Key { get; } = key;

    /// <summary>The value as first seen (or as seen with the most weight).</summary>
    public string Value { get; set; } = value;

    public double Score { get; set; }

    /// <summary>When it was first seen, for stable ordering among equals.</summary>
    public int Order { get; } = order;

    public List<PageText> Pages { get; } = [];

    /// <summary>An optional detail (e.g. an offering's description) and the weight of the sighting it came from.</summary>
    public string? Detail { get; set; }

    public double DetailWeight { get; set; }

    private double _valueWeight;

    public void See(string value, double weight, PageText page)
    {
        Score += weight;
        if (weight > _valueWeight)
        {
            _valueWeight = weight;
            Value = value;
        }

        if (!Pages.Contains(page))
        {
            Pages.Add(page);
        }
    }
}

/// <summary>
/// Collects candidate values for one field, keyed so that spellings of the same thing add up, and ranks them by
/// evidence: total score first, first sighting second.
/// </summary>
internal sealed class Evidence
{
    private readonly Dictionary<string, Candidate> _candidates = new(StringComparer.Ordinal);

    public Candidate? Add(string value, double weight, PageText page, string? key = null)
    {
        value = value.Trim();
        key ??= Text.Key(value);
        if (value.Length == 0 || key.Length == 0 || weight <= 0)
        {
            return null;
        }

        if (!_candidates.TryGetValue(key, out var candidate))
        {
            candidate = new Candidate(key, value, _candidates.Count);
            _candidates.Add(key, candidate);
        }

        candidate.See(value, weight, page);
        return candidate;
    }

    public IEnumerable<Candidate> All => _candidates.Values;

    /// <summary>
    /// The best candidates: at least <paramref name="minimum"/> score and at least <paramref name="share"/> of the best
    /// one's, near-duplicates of a better one left out (when <paramref name="distinct"/>), at most <paramref name="take"/>.
    /// </summary>
    public List<Candidate> Top(int take, double minimum = 0, double share = 0, bool distinct = true)
    {
        var ranked = _candidates.Values
            .Where(c => c.Score >= minimum)
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.Order)
            .ToList();
        if (ranked.Count == 0)
        {
            return [];
        }

        var floor = ranked[0].Score * share;
        var chosen = new List<Candidate>();
        foreach (var candidate in ranked.Where(c => c.Score >= floor))
        {
            if (distinct && chosen.Any(c => Text.Similar(c.Value, candidate.Value)))
            {
                continue;
            }

            chosen.Add(candidate);
            if (chosen.Count == take)
            {
                break;
            }
        }

        return chosen;
    }
}

/// <summary>Builds a record's <c>Sources</c>: field name (camelCase) → URLs of the pages its value came from, in crawl order.</summary>
internal sealed class SourceMap
{
    private readonly Dictionary<string, List<PageText>> _fields = new(StringComparer.Ordinal);

    public void Add(string field, IEnumerable<PageText> pages)
    {
        if (!_fields.TryGetValue(field, out var list))
        {
            list = [];
            _fields.Add(field, list);
        }

        foreach (var page in pages)
        {
            if (!list.Contains(page))
            {
                list.Add(page);
            }
        }

        if (list.Count == 0)
        {
            _fields.Remove(field);
        }
    }

    public void Add(string field, IEnumerable<Candidate> candidates) => Add(field, candidates.SelectMany(c => c.Pages));

    /// <summary>Each filled field's <see cref="FieldEvidence"/>, by <see cref="FieldEvidenceRule"/>.</summary>
    public IReadOnlyDictionary<string, FieldEvidence> Evidence(IReadOnlyDictionary<string, IEnumerable<string?>> values) =>
        FieldEvidenceRule.Judge(values, field => _fields.GetValueOrDefault(field) ?? []);

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Build() =>
        _fields.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value.OrderBy(p => p.Order).Select(p => p.Url).Distinct().ToList(), StringComparer.Ordinal);
}
