using System.Text.Json.Serialization;

namespace Onboarding.Data.Model;

/// <summary>The statuses of a founder interview, as its wire contract names them.</summary>
public static class InterviewStatus
{
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Completed = "completed";
    public const string Abandoned = "abandoned";
}

/// <summary>The plans the interview's limits are set for; an org is on one of them.</summary>
public static class Plans
{
    public const string Trial = "trial";
    public const string Sprint = "sprint";
    public const string Founder = "founder";
    public const string Enterprise = "enterprise";

    public static bool IsKnown(string? plan) => plan is Trial or Sprint or Founder or Enterprise;
}

/// <summary>
/// A guided founder interview (<c>interview_sessions</c>). Every saved turn
/// raises <see cref="Version"/>, which clients send back as <c>expectedVersion</c> so two tabs cannot overwrite each other.
/// </summary>
public class InterviewSession
{
    /// <summary><c>itv_</c> and a ULID.</summary>
    public required string Id { get; init; }

    public required string OrgId { get; init; }

    public required string UserId { get; init; }

    /// <summary>The org's plan when the interview started; its limits apply to this interview.</summary>
    public required string Plan { get; init; }

    public string Status { get; set; } = InterviewStatus.Active;

    /// <summary>1 to 7.</summary>
    public int CurrentStage { get; set; } = 1;

    public int Version { get; set; }

    /// <summary>Messages saved, the founder's and the interviewer's (two per turn).</summary>
    public int MessageCount { get; set; }

    /// <summary>What the conversation has covered so far, and the brief's fields as the founder gave them.</summary>
    public InterviewState State { get; set; } = new();

    /// <summary>The <c>userContext</c> given at start: referral source, experience, time available.</summary>
    public InterviewUserContext? UserContext { get; set; }

    /// <summary>What the founder thought of the interview, given with <c>complete</c>.</summary>
    public InterviewFeedback? Feedback { get; set; }

    /// <summary>The project created when the brief was approved.</summary>
    public Guid? ProjectId { get; set; }

    /// <summary>The analysis run queued for the brief, while one is queued, running or done.</summary>
    public string? AnalysisRunId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastActivityAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>What the deterministic assessment keeps between turns.</summary>
public sealed record InterviewState
{
    /// <summary>Topic name → what was learned about it.</summary>
    public Dictionary<string, TopicCoverage> Topics { get; init; } = [];

    /// <summary>The topic the interviewer's last question asked about; the founder's next answer is read against it.</summary>
    public string? AskedTopic { get; init; }

    /// <summary>How that question asked: one of <see cref="AskKinds"/>.</summary>
    public string Asking { get; init; } = AskKinds.Question;

    /// <summary>True after a revise: the next answer corrects whichever topics it speaks to.</summary>
    public bool Revising { get; init; }

    /// <summary>Founder messages read so far, and how many of them were substantive, specific or clear.</summary>
    public int Answers { get; init; }

    public int SubstantiveAnswers { get; init; }

    public int SpecificAnswers { get; init; }

    public int ClearAnswers { get; init; }

    /// <summary>Things the founder added during a revision that belong to no topic.</summary>
    public string? AdditionalNotes { get; init; }

    /// <summary>Brief field → the founder's own correction of it on the summary, which wins over the conversation.</summary>
    public Dictionary<string, string> Corrections { get; init; } = [];
}

/// <summary>The ways the interviewer asks about a topic.</summary>
public static class AskKinds
{
    /// <summary>The topic's question, the first time.</summary>
    public const string Question = "question";

    /// <summary>The question in other words, after an answer that said nothing.</summary>
    public const string Again = "again";

    /// <summary>An earlier answer touched the topic: is that what the founder meant, and what else?</summary>
    public const string Confirmation = "confirmation";

    /// <summary>Once more before the end, for a topic set aside after two answers that said nothing.</summary>
    public const string Final = "final";
}

/// <summary>
/// One topic's state: the founder's sentences that address it (each with the answer it came from and why it counts),
/// sentences that only touch it (to confirm before they count), and how often it was asked.
/// </summary>
public sealed record TopicCoverage
{
    public List<Evidence> Sentences { get; init; } = [];

    /// <summary>Sentences that touch the topic without being about it, e.g. "spreadsheets" in an answer about cost.</summary>
    public List<Evidence> Mentions { get; init; } = [];

    /// <summary>Questions asked about the topic, of which confirmations.</summary>
    public int Asked { get; init; }

    public int Confirmations { get; init; }

    public int Evasions { get; init; }

    /// <summary>Set aside after two answers that said nothing; asked once more before the interview ends.</summary>
    public bool Deferred { get; init; }

    /// <summary>Given up on: the founder had nothing to say when asked the last time. The field stays empty.</summary>
    public bool Skipped { get; init; }

    public bool Covered => Sentences.Count > 0 || Skipped;

    /// <summary>
    /// The whole answer, as interviews stored it before sentences were kept one by one; read as one sentence, so an
    /// interview in progress across the upgrade keeps what it collected.
    /// </summary>
    [JsonInclude, JsonPropertyName("answer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private string? EarlierAnswer
    {
        get => null;
        init
        {
            if (value is not null && Sentences.Count == 0)
            {
                Sentences = [new Evidence(0, value, Evidence.AnsweredReason)];
            }
        }
    }
}

/// <summary>
/// A sentence of the founder's: which answer it came from (1 for the first), what it says, why it counts, and the words
/// that made it count (none when it simply answered the question asked).
/// </summary>
public sealed record Evidence(int Answer, string Text, string Reason, string? Cue = null)
{
    public const string AnsweredReason = "the answer to the question asked";
}

public sealed record InterviewFeedback(int? ConversationRating, int? ClarityRating, int? HelpfulnessRating, string? Comments);

public sealed record InterviewUserContext(string? ReferralSource, string? PreviousExperience, int? TimeAvailable);

/// <summary>One exchange, saved exactly once: the founder's message and the interviewer's reply, under the client's message id.</summary>
public class InterviewTurn
{
    public long Id { get; init; }

    public required string SessionId { get; init; }

    /// <summary>The client's <c>messageId</c>; unique per interview, so a retried save writes nothing.</summary>
    public required string MessageId { get; init; }

    /// <summary>The interview's version after this turn.</summary>
    public int Version { get; init; }

    /// <summary>The stage the founder was in when answering.</summary>
    public int Stage { get; init; }

    public required string UserContent { get; init; }

    public required string AssistantContent { get; init; }

    public DateTimeOffset UserAt { get; init; }

    public DateTimeOffset AssistantAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The entrepreneur brief an interview produced: field name → the founder's words.</summary>
public class EntrepreneurBrief
{
    public Guid Id { get; init; }

    public required string SessionId { get; init; }

    public required string OrgId { get; init; }

    public required string UserId { get; init; }

    public Dictionary<string, string> Fields { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The venture an approved brief describes; the analysis is attached to it.</summary>
public class Project
{
    public Guid Id { get; init; }

    public required string OrgId { get; init; }

    public required string UserId { get; init; }

    public required string SessionId { get; init; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What the analysis run concluded about a brief.</summary>
public class BriefAnalysis
{
    public Guid Id { get; init; }

    /// <summary>The run that wrote it; one analysis per run.</summary>
    public required string RunId { get; init; }

    public required string SessionId { get; init; }

    public Guid ProjectId { get; init; }

    public required string Summary { get; init; }

    public List<AnalysisInsight> Insights { get; init; } = [];

    /// <summary><c>offline</c> or the model's name.</summary>
    public required string Source { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One insight: a headline, why, and how sure the analysis is (<c>high</c>, <c>medium</c>, <c>low</c>).</summary>
public sealed record AnalysisInsight(string Id, string Headline, string Detail, string Confidence);
