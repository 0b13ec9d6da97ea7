namespace Onboarding.Web.Services;

// The Api's interview surface, as the interview page reads it. camelCase on the wire.

public sealed record InterviewStageInfo(int CurrentStage, int TotalStages, string StageName, string StageDescription);

public sealed record InterviewTranscriptMessage(string MessageId, string Role, string Content, DateTimeOffset Timestamp);

public sealed record InterviewStarted(
    string SessionId, string Status, bool Resumed, int Version, string AgentIntroduction, string FirstQuestion, InterviewStageInfo StageInfo,
    int OverallProgress, int StageProgress, IReadOnlyList<string> CollectedTopics, IReadOnlyList<InterviewTranscriptMessage> Messages);

public sealed record InterviewStatus(
    string? SessionId, string? Status, int? CurrentStage, int? TotalStages, string? StageName, int? OverallProgress, int? StageProgress, int? Version,
    InterviewCompletion? Completion = null);

/// <summary>A completed interview's brief and its analysis; AnalysisStatus is null until the brief is approved.</summary>
public sealed record InterviewCompletion(DateTimeOffset CompletedAt, string? AnalysisStatus);

public sealed record InterviewSaved(
    string Status, int Version, int? CurrentStage, string? StageName, int? OverallProgress, int? StageProgress, bool? StageAdvanced, bool? Completed,
    IReadOnlyList<string>? CollectedTopics, int? CurrentVersion);

/// <summary>The end of a streamed reply: all of it, and where the interview will be once it is saved.</summary>
public sealed record InterviewReplyDone(string Content, int Stage, string StageName, int OverallProgress, bool StageAdvanced, bool Completed, string? NextTopic);

public sealed record InterviewInsight(string Id, string Headline, string Detail, string Confidence);

public sealed record InterviewAnalysis(string RunId, string Status, string? Summary, IReadOnlyList<InterviewInsight> Insights, string? Source, DateTimeOffset? CompletedAt, string? Error)
{
    public bool IsFinal => Status is "succeeded" or "failed";
}

/// <summary>One of the founder's sentences a field holds: the answer (1 for the first) it came from and the question that answer was to.</summary>
public sealed record InterviewSourceSentence(int Answer, string? MessageId, string? Question, string Text, string Reason);

/// <summary>Where a brief field came from: <c>conversation</c> (with its sentences) or the founder's own <c>correction</c>.</summary>
public sealed record InterviewFieldSource(string Kind, IReadOnlyList<InterviewSourceSentence> Sentences)
{
    public bool IsCorrection => Kind == "correction";
}

public sealed record InterviewBrief(IReadOnlyDictionary<string, string?> Fields, IReadOnlyDictionary<string, InterviewFieldSource> Sources, InterviewAnalysis? Analysis);

/// <summary>An interview call's answer, or why there is none (the surface's error code and message).</summary>
public sealed record InterviewResult<T>(T? Value, string? Code = null, string? Message = null)
{
    public bool Ok => Code is null;
}

/// <summary>The founder's own words for a brief field, given on the summary; empty clears the field.</summary>
public sealed record BriefCorrection(string Field, string Value);
