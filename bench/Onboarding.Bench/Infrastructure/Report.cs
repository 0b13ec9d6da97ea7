using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Onboarding.Bench.Infrastructure;

/// <summary>
/// One line of the results: our figure beside its raw baseline and their ratio (ours ÷ raw), the target it is held
/// to and whether it was met. A null <see cref="Raw"/> means the line has no baseline of its own.
/// </summary>
public sealed record Result(
    string Scenario, string Case, double Ours, double? Raw, string Unit, string? Target = null, bool? Met = null, string Details = "")
{
    public double? Ratio => Raw is > 0 ? Ours / Raw : null;
}

/// <summary>Collects the results and writes them as a console table, markdown (RESULTS.md) and JSON (results.json).</summary>
public sealed class Report(BenchOptions options)
{
    private readonly List<Result> _results = [];
    private readonly List<string> _notes = [];

    public MachineDescription? Machine { get; set; }

    public IReadOnlyList<Result> Results => _results;

    public void Add(Result result)
    {
        lock (_results)
        {
            _results.Add(result);
        }

        Console.WriteLine($"  {result.Scenario} · {result.Case}: {Format(result.Ours, result.Unit)}"
            + (result.Raw is { } raw ? $" vs raw {Format(raw, result.Unit)} ({Ratio(result)})" : "")
            + (result.Met is { } met ? met ? "  [target met]" : "  [target MISSED]" : "")
            + (result.Details.Length > 0 ? $"  — {result.Details}" : ""));
    }

    /// <summary>A finding worth reading beside the table (why a target was missed, what the figure includes).</summary>
    public void Note(string note)
    {
        lock (_notes)
        {
            _notes.Add(note);
        }

        Console.WriteLine($"  note: {note}");
    }

    public async Task WriteAsync(string directory, TimeSpan elapsed)
    {
        Directory.CreateDirectory(directory);
        var markdown = Markdown(elapsed);
        await File.WriteAllTextAsync(Path.Combine(directory, "RESULTS.md"), markdown);
        var json = JsonSerializer.Serialize(new
        {
            mode = options.Smoke ? "smoke" : "full",
            elapsedSeconds = Math.Round(elapsed.TotalSeconds),
            machine = Machine,
            results = _results.Select(r => new { r.Scenario, r.Case, r.Ours, r.Raw, r.Unit, ratio = r.Ratio, r.Target, r.Met, r.Details }),
            notes = _notes,
        }, JsonOptions);
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), json);
        Console.WriteLine();
        Console.WriteLine(Table());
        Console.WriteLine($"Written: {Path.Combine(directory, "RESULTS.md")} and results.json");
    }

    private string Markdown(TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmark results");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Produced by `dotnet run -c Release --project bench/Onboarding.Bench{(options.Smoke ? " -- --smoke" : "")}` ({(options.Smoke ? "smoke mode: tiny counts, the figures mean nothing" : "full run")}), in {elapsed.TotalMinutes:0.0} min. Every figure was taken in this one run on this one machine: the composed system (each service its own process) and the raw baselines against the same embedded Postgres and Redis. Ratio = ours ÷ raw.");
        md.AppendLine();
        if (Machine is { } machine)
        {
            md.AppendLine("## Machine and versions");
            md.AppendLine();
            foreach (var (name, value) in machine.Facts)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- **{name}**: {value}");
            }

            md.AppendLine();
            md.AppendLine("## Postgres settings");
            md.AppendLine();
            md.AppendLine("| setting | value |");
            md.AppendLine("|---|---|");
            foreach (var (name, value) in machine.PostgresSettings)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| `{name}` | {value} |");
            }

            md.AppendLine();
        }

        md.AppendLine("## Results");
        md.AppendLine();
        md.Append(Table());
        md.AppendLine();
        if (_notes.Count > 0)
        {
            md.AppendLine("## Notes from this run");
            md.AppendLine();
            foreach (var note in _notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }

        return md.ToString();
    }

    private string Table()
    {
        var table = new StringBuilder();
        table.AppendLine("| scenario | case | ours | raw baseline | ratio | target | met | details |");
        table.AppendLine("|---|---|---:|---:|---:|---|---|---|");
        foreach (var r in _results)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Case} | {Format(r.Ours, r.Unit)} | {(r.Raw is { } raw ? Format(raw, r.Unit) : "")} | {Ratio(r)} | {r.Target} | {Met(r.Met)} | {r.Details} |");
        }

        return table.ToString();
    }

    private static string Met(bool? met) => met switch
    {
        true => "yes",
        false => "**no**",
        null => "",
    };

    private static string Ratio(Result result) => result.Ratio is { } ratio ? $"{ratio:0.00}×" : "";

    public static string Format(double value, string unit) => unit switch
    {
        "ms" => $"{value:0.0} ms",
        "MiB" => $"{value:0} MiB",
        _ => $"{value:N0} {unit}",
    };

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
