namespace Onboarding.Testing;

/// <summary>One sentence a founder says, and the interview topics it is about.</summary>
public sealed record Said(string Text, IReadOnlyList<string> Topics);

/// <summary>
/// A founder the interview evaluation and the tests play. For each topic: what they answer the first time it is asked,
/// the second time, and so on (the last answer repeats). An answer is a list of sentences, each about the topic asked
/// unless it starts with the topics it is about in braces: <c>{team}My co-founder…</c>, or <c>{}</c> for about nothing.
/// </summary>
public sealed record Founder(string Name, string Kind, IReadOnlyDictionary<string, string[][]> Script)
{
    /// <summary>The fourteen topics in the order the interview asks them, and the brief field each fills.</summary>
    public static readonly IReadOnlyList<(string Topic, string Field)> Topics =
    [
        ("business_concept", "business_concept"), ("founder_background", "founder_background"),
        ("target_customers", "target_customers"), ("early_adopters", "early_adopters"),
        ("problem_description", "problem_description"), ("problem_impact", "problem_impact"),
        ("solution_description", "solution_description"), ("unique_value", "unique_value_proposition"),
        ("competitors", "competitors"), ("competitive_advantages", "competitive_advantages"),
        ("budget", "available_budget"), ("team", "team_capabilities"),
        ("business_stage", "business_stage"), ("goals", "three_month_goals"),
    ];

    /// <summary>The sentences of the answer given the <paramref name="time"/>-th time (from 0) the topic is asked.</summary>
    public IReadOnlyList<Said> Answer(string topic, int time)
    {
        var answers = Script[topic];
        return [.. answers[Math.Min(time, answers.Length - 1)].Select(sentence => Parse(sentence, topic))];
    }

    /// <summary>The answer as the founder types it.</summary>
    public static string Text(IReadOnlyList<Said> answer) => string.Join(' ', answer.Select(s => s.Text));

    /// <summary>Every sentence labelled with the topic, in the order of the script.</summary>
    public IEnumerable<Said> About(string topic) =>
        Topics.SelectMany(t => Script[t.Topic].SelectMany(a => a.Select(s => Parse(s, t.Topic)))).Where(s => s.Topics.Contains(topic));

    private static Said Parse(string sentence, string topic)
    {
        if (!sentence.StartsWith('{'))
        {
            return new Said(sentence, [topic]);
        }

        var end = sentence.IndexOf('}', StringComparison.Ordinal);
        var topics = sentence[1..end].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new Said(sentence[(end + 1)..], topics);
    }
}
