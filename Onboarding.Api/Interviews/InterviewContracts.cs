using System.Text.Json.Serialization;

namespace Onboarding.Api.Interviews;

// The interview's wire shapes: camelCase, except the few fields its contract writes in snake_case (detail_score, brief_fields, updated_at).

public sealed record StartInterviewRequest(
    string? UserId, string? PlanType, string? ResumeSessionId, bool? ForceNew, string? Mode, string? ClientProjectId, InterviewUserContextRequest? UserContext);

public sealed record InterviewUserContextRequest(string? ReferralSource, string? PreviousExperience, int? TimeAvailable);

public sealed record SessionRequest(string? SessionId);

public sealed record StageInfo(int CurrentStage, int TotalStages, string StageName, string StageDescription);

public sealed record AgentPersonality(string Name, string Role, string Tone);

public sealed record ConversationContext(AgentPersonality AgentPersonality, IReadOnlyList<string> ExpectedOutcomes, string PrivacyNotice);

public sealed record QualitySignalsView(Signal Clarity, Signal Completeness, [property: JsonPropertyName("detail_score")] int DetailScore, int Overall)
{
    public static QualitySignalsView From(QualitySignals q) => new(q.Clarity, q.Completeness, q.DetailScore, q.Overall);
}

public sealed record StageSnapshot(
    int Stage, int Coverage, QualitySignalsView Quality,
    [property: JsonPropertyName("brief_fields")] IReadOnlyList<string> BriefFields,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt);

/// <summary>One message of the conversation so far, so a client that reloads can show it and go on.</summary>
public sealed record TranscriptMessage(string MessageId, string Role, string Content, DateTime Timestamp);

/// <summary>start's and recover's answer: the session, the interviewer's greeting and the question now open.</summary>
public sealed record InterviewStartResponse(
    bool Success,
    string SessionId,
    string Status,
    bool Resumed,
    int Version,
    string AgentIntroduction,
    string FirstQuestion,
    string EstimatedDuration,
    StageInfo StageInfo,
    ConversationContext ConversationContext,
    QualitySignalsView QualitySignals,
    StageSnapshot StageSnapshot,
    int OverallProgress,
    int StageProgress,
    IReadOnlyList<string> CollectedTopics,
    IReadOnlyList<TranscriptMessage> Messages);

public sealed record InterviewStatusResponse(
    bool Success,
    string? SessionId,
    string? Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CurrentStage = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TotalStages = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StageName = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? OverallProgress = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StageProgress = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MessageCount = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Version = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? LastActivity = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? CollectedTopics = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CompletionView? Completion = null);

/// <summary>What a completed interview led to: its brief, project and analysis run.</summary>
public sealed record CompletionView(DateTime CompletedAt, Guid? BriefId, Guid? ProjectId, string? AnalysisRunId, string? AnalysisStatus);

public sealed record MessageResponse(bool Success, string Message);

public sealed record ReviseResponse(bool Success, string Status, bool QueueDeleted);

public sealed record QueueResponse(bool Success, string Status, string RunId);

public sealed record CompleteRequest(string? SessionId, bool? FinalConfirmation, Dictionary<string, string?>? EntrepreneurBrief, UserFeedback? UserFeedback);

public sealed record UserFeedback(int? ConversationRating, int? ClarityRating, int? HelpfulnessRating, string? Comments);

public sealed record NextStep(string Step, string Description, string EstimatedTime, string Priority);

public sealed record ProjectCreated(Guid ProjectId, string ProjectName, string ProjectUrl);

public sealed record RateLimitView(int Limit, int Remaining, long WindowSeconds);

public sealed record AnalysisMetadata(int EvidenceCount, RateLimitView RateLimit);

/// <summary>
/// complete's answer. The analysis runs in the Worker, so <c>deliverables</c> is null here and the result
/// appears under <c>GET /api/interview/brief</c>'s <c>analysis</c> once the run <c>workflowId</c> succeeds.
/// </summary>
public sealed record CompleteResponse(
    bool Success,
    string WorkflowId,
    bool WorkflowTriggered,
    string EstimatedCompletionTime,
    IReadOnlyList<NextStep> NextSteps,
    object? Deliverables,
    string DashboardRedirect,
    ProjectCreated ProjectCreated,
    AnalysisMetadata AnalysisMetadata);

public sealed record AnalysisView(string RunId, string Status, string? Summary, IReadOnlyList<Onboarding.Data.Model.AnalysisInsight> Insights, string? Source, DateTime? CompletedAt, string? Error);

/// <summary>brief's answer: the brief (snake_case fields), once approved its analysis, and where each field came from.</summary>
public sealed record BriefResponse(bool Success, IReadOnlyDictionary<string, object?> Brief, AnalysisView? Analysis, IReadOnlyDictionary<string, FieldSource> Sources);

public sealed record InterviewMessage(string? Role, string? Content, DateTimeOffset? Timestamp);

public sealed record ChatStreamRequest(IReadOnlyList<InterviewMessage>? Messages, string? SessionId);

public sealed record SaveRequest(string? SessionId, string? MessageId, InterviewMessage? UserMessage, InterviewMessage? AssistantMessage, int? ExpectedVersion);

public sealed record SaveResponse(
    bool Success,
    string Status,
    int Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CurrentStage = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StageName = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? OverallProgress = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StageProgress = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? StageAdvanced = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Completed = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Queued = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? BriefId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? CollectedTopics = null);

/// <summary>The last event of <c>/api/chat/stream</c>: the whole reply and what the interview will look like once it is saved.</summary>
public sealed record ChatStreamDone(string Content, int Stage, string StageName, int OverallProgress, bool StageAdvanced, bool Completed, string? NextTopic);

/// <summary>Where a brief field came from: the founder's sentences in the conversation, or their own correction on the summary.</summary>
public sealed record FieldSource(string Kind, IReadOnlyList<SourceSentence> Sentences)
{
    public const string Conversation = "conversation";
    public const string Correction = "correction";
}

/// <summary>One of the founder's sentences: which answer (1 for the first) and message it came from, the question it answered, and why it counts.</summary>
public sealed record SourceSentence(int Answer, string? MessageId, string? Question, string Text, string Reason);

/// <summary>The development-only view of the assessment: per topic, how it stands and the evidence it used.</summary>
public sealed record InterviewDebugResponse(
    bool Success, string SessionId, string Status, int CurrentStage, string? AskedTopic, string? Asking, bool Revising, IReadOnlyList<TopicEvidenceView> Topics);

/// <summary>
/// One topic: <c>covered</c> (it has the founder's sentences), <c>partial</c> (only touched, to confirm), <c>deferred</c>
/// (set aside until the end), <c>skipped</c> (given up) or <c>open</c>; how often it was asked and confirmed.
/// </summary>
public sealed record TopicEvidenceView(
    string Topic, string BriefField, string State, int Asked, int Confirmations, int Evasions, IReadOnlyList<EvidenceView> Evidence);

/// <summary>A sentence the assessment used: <c>credited</c> to the topic, or <c>partial</c> (touches it, awaits confirmation).</summary>
public sealed record EvidenceView(string Use, SourceSentence Sentence);
