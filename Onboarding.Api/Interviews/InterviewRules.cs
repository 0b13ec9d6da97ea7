using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

/// <summary>What the interview surface accepts.</summary>
public static class InterviewRules
{
    public const int MaxMessageLength = 8_000;
    public const int MaxMessageIdLength = 100;
    public const int MaxFieldLength = Assessment.MaxAnswerLength;
    public const int MaxCommentLength = 2_000;

    private static readonly string[] Experiences = ["first_time", "experienced", "serial_entrepreneur"];

    public static bool IsInterviewId(string? id) => Ids.IsWellFormed(id, Ids.InterviewPrefix);

    /// <summary>1 to 100 visible ASCII characters, like an Idempotency-Key.</summary>
    public static bool IsMessageId(string? id) => id is { Length: > 0 and <= MaxMessageIdLength } && id.All(c => c is >= '!' and <= '~');

    public static string? CheckStart(StartInterviewRequest request, string userId)
    {
        if (request.UserId is not null && request.UserId != userId)
        {
            return "userId must be the API key's own user, or left out.";
        }

        if (request.Mode is not (null or "founder"))
        {
            return request.Mode == "client"
                ? "mode 'client' (consultant intake) is not offered by this service; use 'founder' or leave it out."
                : "mode must be 'founder'.";
        }

        if (request.ResumeSessionId is not null && request.ForceNew == true)
        {
            return "Give resumeSessionId or forceNew, not both.";
        }

        if (request.UserContext is { } context)
        {
            if (context.PreviousExperience is not null && !Experiences.Contains(context.PreviousExperience))
            {
                return "userContext.previousExperience must be first_time, experienced or serial_entrepreneur.";
            }

            if (context.TimeAvailable is < 1 or > 600)
            {
                return "userContext.timeAvailable must be between 1 and 600 minutes.";
            }

            if (context.ReferralSource?.Length > 100)
            {
                return "userContext.referralSource must be at most 100 characters.";
            }
        }

        return null;
    }

    public static string? CheckSave(SaveRequest request)
    {
        if (!IsMessageId(request.MessageId))
        {
            return $"messageId must be 1 to {MaxMessageIdLength} visible ASCII characters, unique per message.";
        }

        if (request.UserMessage is not { Role: "user" } user || !IsContent(user.Content))
        {
            return $"userMessage must have role 'user' and content of 1 to {MaxMessageLength} characters.";
        }

        if (request.AssistantMessage is not { Role: "assistant" } assistant || !IsContent(assistant.Content))
        {
            return $"assistantMessage must have role 'assistant' and content of 1 to {MaxMessageLength} characters.";
        }

        return request.ExpectedVersion is < 0 ? "expectedVersion must be zero or more." : null;
    }

    public static string? CheckStream(ChatStreamRequest request) =>
        request.Messages is not { Count: > 0 } messages || messages[^1] is not { Role: "user" } last || !IsContent(last.Content)
            ? $"messages must end with the founder's message: role 'user', content of 1 to {MaxMessageLength} characters."
            : null;

    public static string? CheckComplete(CompleteRequest request)
    {
        if (request.FinalConfirmation != true)
        {
            return "finalConfirmation must be true.";
        }

        if (request.EntrepreneurBrief is { } brief)
        {
            var unknown = brief.Keys.Where(k => !Stages.BriefFields.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                return $"entrepreneurBrief has unknown fields ({string.Join(", ", unknown)}); known: {string.Join(", ", Stages.BriefFields)}.";
            }

            if (brief.Values.Any(v => v?.Length > MaxFieldLength))
            {
                return $"Each entrepreneurBrief field must be at most {MaxFieldLength} characters.";
            }

            if (brief.GetValueOrDefault("company_name")?.Trim().Length > Workspaces.WorkspaceRules.MaxCompanyNameLength)
            {
                return $"entrepreneurBrief.company_name names the project: at most {Workspaces.WorkspaceRules.MaxCompanyNameLength} characters.";
            }
        }

        if (request.UserFeedback is { } feedback)
        {
            if (new[] { feedback.ConversationRating, feedback.ClarityRating, feedback.HelpfulnessRating }.Any(r => r is < 1 or > 5))
            {
                return "userFeedback ratings must be between 1 and 5.";
            }

            if (feedback.Comments?.Length > MaxCommentLength)
            {
                return $"userFeedback.comments must be at most {MaxCommentLength} characters.";
            }
        }

        return null;
    }

    private static bool IsContent(string? content) => !string.IsNullOrWhiteSpace(content) && content.Length <= MaxMessageLength;
}
