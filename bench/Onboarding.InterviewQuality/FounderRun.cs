using Onboarding.Testing;

namespace Onboarding.InterviewQuality;

/// <summary>One founder's interview: what was asked, what they said, and how each brief field came out.</summary>
internal sealed record FounderResult(
    Founder Founder, bool Completed, int Questions, int? Confirmations, int AskedAgain, IReadOnlyList<FieldGrade> Fields)
{
    public int Count(Verdict verdict) => Fields.Count(f => f.Verdict == verdict);
}

/// <summary>Plays one founder through the interview, each answer to the question the interviewer actually asked.</summary>
internal sealed class FounderRun(InterviewCalls api, string key, Founder founder)
{
    // Far more than fourteen topics with every question asked three times; a loop would stop here.
    private const int MaxTurns = 60;

    public async Task<FounderResult> RunAsync()
    {
        var sessionId = (await api.StartAsync(key))["sessionId"]!.GetValue<string>();
        var said = new List<Said>();
        var times = new Dictionary<string, int>();
        var (asked, version, questions, askedAgain, completed) = (Founder.Topics[0].Topic, 0, 0, 0, false);
        while (!completed && questions < MaxTurns)
        {
            // Asked about what they have already told: the interview missed it.
            if (said.Any(s => s.Topics.Contains(asked)))
            {
                askedAgain++;
            }

            var time = times.GetValueOrDefault(asked);
            times[asked] = time + 1;
            var answer = founder.Answer(asked, time);
            said.AddRange(answer);
            var message = Founder.Text(answer);
            var done = await api.StreamAsync(key, sessionId, message);
            var saved = await api.SaveAsync(key, sessionId, message, done["content"]!.GetValue<string>(), version);
            version = saved["version"]!.GetValue<int>();
            questions++;
            completed = saved["completed"]!.GetValue<bool>();
            asked = done["nextTopic"]?.GetValue<string>() ?? asked;
        }

        var brief = completed ? (await api.BriefAsync(key, sessionId))["brief"] : null;
        var debug = await api.DebugAsync(key, sessionId);
        var confirmations = debug?["topics"]?.AsArray().Sum(t => t!["confirmations"]!.GetValue<int>());
        var fields = Founder.Topics
            .Select(t => Grading.Grade(t.Topic, t.Field, brief?[t.Field]?.GetValue<string>(), said))
            .ToList();
        return new FounderResult(founder, completed, questions, confirmations, askedAgain, fields);
    }
}
