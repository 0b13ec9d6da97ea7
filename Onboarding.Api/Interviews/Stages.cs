namespace Onboarding.Api.Interviews;

/// <summary>
/// A subject the interview must cover. <see cref="BriefField"/> is where the founder's answer lands in the brief;
/// <see cref="Cues"/> are phrases that show an answer speaks to this topic even when another was asked.
/// </summary>
public sealed record Topic(string Name, string BriefField, string Label, IReadOnlyList<string> Questions, IReadOnlyList<string> Cues);

public sealed record Stage(int Number, string Name, string Description, IReadOnlyList<string> ExpectedOutcomes, IReadOnlyList<Topic> Topics);

/// <summary>The seven stages of the founder interview and the topics each must collect, in the order they are asked.</summary>
public static class Stages
{
    public static readonly IReadOnlyList<Stage> All =
    [
        new(1, "Welcome & Introduction", "Understanding you and your business concept", ["Business concept clarity", "Founder context"],
        [
            new("business_concept", "business_concept", "the business",
                ["What are you building, and what is it called? A sentence or two is plenty.",
                 "In a sentence or two: what does your business do, and what's its name?"],
                ["we're building", "we are building", "i'm building", "i am building", "our startup", "our company", "the idea is"]),
            new("founder_background", "founder_background", "your background",
                ["What brought you to this idea? Tell me a little about your background.",
                 "What in your own experience led you here?"],
                ["my background", "i worked", "i've worked", "i have worked", "years as a", "years at", "i used to", "i spent"]),
        ]),
        new(2, "Customer Discovery", "Who has the problem and who would buy first", ["Target customer definition", "Early adopter profile"],
        [
            new("target_customers", "target_customers", "your customers",
                ["Who are your customers? Be as specific as you can: the role, the kind of company, its size.",
                 "Picture your ideal customer. Who are they, and where do they work?"],
                ["our customers", "customers are", "we sell to", "target market", "our users", "aimed at", "designed for", "our target"]),
            new("early_adopters", "early_adopters", "your first customers",
                ["Which of them would buy first, and why them? Have you spoken to any yet?",
                 "Who needs this most urgently, the ones who'd use it even in a rough first version?"],
                ["early adopters", "first customers", "pilot customers", "design partners", "waitlist", "spoke to", "talked to", "interviewed"]),
        ]),
        new(3, "Problem Definition", "The problem, how it shows up, and what it costs", ["Problem statement", "Evidence of pain"],
        [
            new("problem_description", "problem_description", "the problem",
                ["What problem do they have that you solve? Describe it as they would.",
                 "What goes wrong for them today, in their words?"],
                ["the problem is", "struggle", "pain point", "frustrat", "waste", "hard to", "difficult to", "they can't", "they cannot"]),
            new("problem_impact", "problem_impact", "what the problem costs",
                ["How often does it happen, and what does it cost them in time or money today?",
                 "What does this problem cost them, and how are they coping with it now?"],
                ["hours a week", "hours per week", "hours each", "costs them", "per month", "a month", "every week", "every month", "they lose", "losing"]),
        ]),
        new(4, "Solution & Value", "What you offer and why it is better", ["Solution description", "Value proposition"],
        [
            new("solution_description", "solution_description", "your solution",
                ["How does your product solve it? Walk me through what a customer does with it.",
                 "What does your solution do, step by step, for a customer?"],
                ["our product", "our solution", "our platform", "our app", "we built", "it works by", "the product"]),
            new("unique_value", "unique_value_proposition", "what makes it different",
                ["Why would they choose you over what they do today? What's the one thing that makes it worth switching?",
                 "What's unique about your approach?"],
                ["unlike", "the only", "better than", "faster than", "cheaper than", "unique", "10x", "differentiat"]),
        ]),
        new(5, "Competitive Landscape", "Who else solves it and your edge", ["Competitor map", "Competitive advantage"],
        [
            new("competitors", "competitors", "the competition",
                ["Who else solves this today: competitors, tools, or workarounds like spreadsheets?",
                 "What are customers using instead of you right now?"],
                ["competitor", "compete with", "competing with", "alternatives", "instead they use", "spreadsheets", "incumbent", "rival"]),
            new("competitive_advantages", "competitive_advantages", "your advantage",
                ["What advantage do you have that they can't easily copy?",
                 "Why will you win against them over time?"],
                ["our advantage", "advantage is", "moat", "hard to copy", "can't copy", "cannot copy", "proprietary", "our edge"]),
        ]),
        new(6, "Resources & Constraints", "Budget, team and what you can spend", ["Budget and runway", "Team capabilities"],
        [
            new("budget", "available_budget", "your budget",
                ["What budget or runway do you have to work with, and where does it come from?",
                 "How much can you spend over the next months, and is it your own money or raised?"],
                ["budget", "runway", "funding", "raised", "bootstrap", "savings", "angel", "pre-seed", "seed round", "grant"]),
            new("team", "team_capabilities", "your team",
                ["Who's on the team, and what can you build or sell yourselves?",
                 "Tell me about your team: who does what?"],
                ["co-founder", "cofounder", "our team", "the team", "engineer", "developer", "designer", "hire", "solo founder"]),
        ]),
        new(7, "Goals & Next Steps", "Where you are and what success looks like", ["Current stage", "Three-month goals"],
        [
            new("business_stage", "business_stage", "where you are today",
                ["Where are you today: an idea, a prototype, a pilot, paying customers?",
                 "How far along are you: idea, prototype, launched, revenue?"],
                ["prototype", "mvp", "pilot", "beta", "paying customers", "revenue", "idea stage", "launched", "pre-launch"]),
            new("goals", "three_month_goals", "your goals",
                ["What do you want to achieve in the next three months, and how will you know it worked?",
                 "What would make the next three months a success for you?"],
                ["goal", "next three months", "next 3 months", "milestone", "by the end of", "aim to", "we want to reach", "target of"]),
        ]),
    ];

    public static int Count => All.Count;

    public static readonly IReadOnlyList<Topic> Topics = [.. All.SelectMany(s => s.Topics)];

    /// <summary>The brief fields the interview can fill, in the order of the conversation, plus the ones derived from it.</summary>
    public static readonly IReadOnlyList<string> BriefFields = ["company_name", .. Topics.Select(t => t.BriefField), "additional_notes"];

    public static Stage Get(int number) => All[Math.Clamp(number, 1, All.Count) - 1];

    public static Topic? Find(string? name) => Topics.FirstOrDefault(t => t.Name == name);

    public static Stage StageOf(Topic topic) => All.First(s => s.Topics.Contains(topic));
}
