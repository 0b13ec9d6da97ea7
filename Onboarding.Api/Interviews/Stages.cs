namespace Onboarding.Api.Interviews;

/// <summary>
/// A subject the interview must cover. <see cref="BriefField"/> is where the founder's words about it land in the brief.
/// <see cref="Statements"/> are the forms in which a sentence is plainly about this topic ("our customers are…"), so an
/// answer to another question can cover it; <see cref="Mentions"/> are words that only touch it ("spreadsheets" may be
/// what customers use instead, or only where the pain shows), which the interviewer confirms with
/// <see cref="Confirmation"/> before they count.
/// </summary>
public sealed record Topic(
    string Name, string BriefField, string Label, IReadOnlyList<string> Questions, string Confirmation, Cues Statements, Cues Mentions);

public sealed record Stage(int Number, string Name, string Description, IReadOnlyList<string> ExpectedOutcomes, IReadOnlyList<Topic> Topics);

/// <summary>The seven stages of the founder interview and the topics each must collect, in the order they are asked.</summary>
public static class Stages
{
    // Counts as founders write them, in words or digits.
    private const string Number = @"(?:\d+|a dozen|dozens|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?)";

    public static readonly IReadOnlyList<Stage> All =
    [
        new(1, "Welcome & Introduction", "Understanding you and your business concept", ["Business concept clarity", "Founder context"],
        [
            new("business_concept", "business_concept", "the business",
                ["What are you building, and what is it called? A sentence or two is plenty.",
                 "In a sentence or two: what does your business do, and what's its name?"],
                "is that what your business does, and what is it called?",
                Cues.Of(@"\b(?:we're|we are|i'm|i am) (?:building|making|creating|developing|launching)\b",
                    @"\bour (?:startup|company|business|idea) (?:is|does|builds|makes|helps)\b", @"\bthe idea is\b", @"\b(?:it's|it is) called\b"),
                Cues.None),
            new("founder_background", "founder_background", "your background",
                ["What brought you to this idea? Tell me a little about your background.",
                 "What in your own experience led you here?"],
                "is that your own background, and what brought you to this idea?",
                Cues.Of(@"\bmy background\b", @"\bbefore (?:this|starting|founding)\b", @"\bi(?:'m| am) an? (?:former|ex-)",
                    @"\bi(?:'ve| have)? (?:spent|worked|ran|run|managed|led|taught|studied|been|was an?|used to be)\b[^.;!?]{0,80}\b(?:years?|decades?)\b"),
                Cues.None),
        ]),
        new(2, "Customer Discovery", "Who has the problem and who would buy first", ["Target customer definition", "Early adopter profile"],
        [
            new("target_customers", "target_customers", "your customers",
                ["Who are your customers? Be as specific as you can: the role, the kind of company, its size.",
                 "Picture your ideal customer. Who are they, and where do they work?"],
                "are they your customers, and who exactly are they?",
                Cues.Of(@"\bour (?:ideal |target |main )?(?:customers?|users?|clients?|buyers?|market) (?:are|is|will be)\b",
                    @"\bwe (?:sell to|serve)\b", @"\bour target\b", @"\b(?:it's|it is) (?:for|aimed at|designed for)\b"),
                Cues.None),
            new("early_adopters", "early_adopters", "your first customers",
                ["Which of them would buy first, and why them? Have you spoken to any yet?",
                 "Who needs this most urgently, the ones who'd use it even in a rough first version?"],
                "are they the ones who would buy first, and have you spoken to any yet?",
                Cues.Of(@"\bearly adopters?\b", @"\bdesign partners?\b", @"\bwait(?:ing)?[- ]?list\b", @"\bletters? of intent\b",
                    @"\bpilot (?:customers?|users?|partners?|schools?|sites?)\b", @"\b(?:first|initial) (?:customers?|users?|buyers?)\b",
                    @"\bwould (?:buy|pay|sign up) first\b", $@"\b(?:i|we)(?:'ve| have)? (?:spoken|spoke|talked|interviewed|met)\b[^.;!?]{{0,40}}\b{Number}\b"),
                Cues.None),
        ]),
        new(3, "Problem Definition", "The problem, how it shows up, and what it costs", ["Problem statement", "Evidence of pain"],
        [
            new("problem_description", "problem_description", "the problem",
                ["What problem do they have that you solve? Describe it as they would.",
                 "What goes wrong for them today, in their words?"],
                "is that the problem you solve, and how would they describe it?",
                Cues.Of(@"\bthe (?:main |real |biggest |core )?problem is\b", @"\bpain points?\b", @"\bthe hard part is\b",
                    @"\b(?:they|customers|owners|people|users) (?:struggle|can't|cannot|have no way)\b"),
                Cues.None),
            new("problem_impact", "problem_impact", "what the problem costs",
                ["How often does it happen, and what does it cost them in time or money today?",
                 "What does this problem cost them, and how are they coping with it now?"],
                "is that what the problem costs them, and how often does it happen?",
                Cues.Of(@"\bcost(?:s|ing)? (?:them|each|every|us|their|my|the|an?|about|roughly|around|up to|over|nearly|almost|[$£€]|\d)",
                    @"\b\d+(?:[-–]\d+)?\s*(?:hours?|hrs?|days?|minutes?)\s+(?:a|per|every|each)\s+(?:day|week|month|year|shift)\b",
                    @"\b(?:lose|loses|losing|lost|waste|wastes|wasting|throw away|throws away)\b[^.;!?]{0,30}(?:[$£€]\s?\d|\d+\s*%|\d[\d,.]*\s*(?:hours?|days?|euros?|dollars?|pounds?))",
                    @"\bin (?:fines|penalties|back pay|lost revenue|lost sales)\b"),
                Cues.None),
        ]),
        new(4, "Solution & Value", "What you offer and why it is better", ["Solution description", "Value proposition"],
        [
            new("solution_description", "solution_description", "your solution",
                ["How does your product solve it? Walk me through what a customer does with it.",
                 "What does your solution do, step by step, for a customer?"],
                "is that how your product works, and what does a customer do with it?",
                Cues.Of(@"\bit works by\b", @"\bhow it works\b", @"\bthe way it works\b",
                    @"\bour (?:product|solution|platform|app|tool|service|software|system)\b[^.;!?]{0,20}\b(?:connects|lets|does|works|automates|gives|turns|reads|matches|sends|tracks|helps|replaces|plans|finds|builds)\b"),
                Cues.None),
            new("unique_value", "unique_value_proposition", "what makes it different",
                ["Why would they choose you over what they do today? What's the one thing that makes it worth switching?",
                 "What's unique about your approach?"],
                "is that what makes you different, and why would they switch?",
                Cues.Of(@"\b(?:we're|we are|it's|it is|ours is)\s+(?:\w+\s+)?(?:better|faster|cheaper|simpler|easier) than\b",
                    @"\b(?:we're|we are|it's|it is) the only\b", @"\bwhat makes (?:us|it) (?:different|unique|special)\b",
                    @"\bour (?:unique|key) (?:value|selling point|difference)\b", @"\bunlike (?:any|other|every|existing)\b"),
                Cues.None),
        ]),
        new(5, "Competitive Landscape", "Who else solves it and your edge", ["Competitor map", "Competitive advantage"],
        [
            new("competitors", "competitors", "the competition",
                ["Who else solves this today: competitors, tools, or workarounds like spreadsheets?",
                 "What are customers using instead of you right now?"],
                "is that what they use instead of a product today, and who else do they consider?",
                Cues.Of(@"\bcompetitors?\b", @"\bcompetition\b", @"\bcompet(?:e|es|ing) (?:with|against)\b", @"\balternatives? (?:are|is|include)\b",
                    @"\bincumbents?\b", @"\brivals?\b", @"\binstead of (?:us|our|a product|software|paying)\b",
                    @"\b(?:today|currently|right now|at the moment|for now)\b[^.;!?]{0,40}\b(?:use|uses|rely on|relies on|turn to|pay for|juggle)\b",
                    @"\b(?:use|uses|rely on|relies on|turn to|pay for)\b[^.;!?]{1,80}\binstead\b"),
                Cues.Of(@"\b(?:an? |the )?spreadsheets?\b", @"\bexcel\b", @"\bgoogle sheets\b", @"\b(?:an? |the )?whiteboards?\b", @"\bpaper forms?\b",
                    @"\bpen and paper\b", @"\bwhatsapp\b", @"\bby hand\b", @"\bmanually\b")),
            new("competitive_advantages", "competitive_advantages", "your advantage",
                ["What advantage do you have that they can't easily copy?",
                 "Why will you win against them over time?"],
                "is that your advantage, and why can't others easily copy it?",
                Cues.Of(@"\b(?:our|the|an|my) (?:unfair |main |real |biggest |key |big )?(?:advantage|edge|moat)\b",
                    @"\bhard (?:for \w+ )?to (?:copy|replicate)\b", @"\b(?:can't|cannot|couldn't|won't) (?:easily )?(?:copy|replicate)\b"),
                Cues.Of(@"\bproprietary\b", @"\bpatent(?:s|ed)?\b", @"\bnetwork effects?\b", @"\bexclusive\b")),
        ]),
        new(6, "Resources & Constraints", "Budget, team and what you can spend", ["Budget and runway", "Team capabilities"],
        [
            new("budget", "available_budget", "your budget",
                ["What budget or runway do you have to work with, and where does it come from?",
                 "How much can you spend over the next months, and is it your own money or raised?"],
                "is that the budget you have to work with, and where does it come from?",
                Cues.Of(@"\brunway\b", @"\b(?:we|i)(?:'ve| have)? raised\b", @"\braised (?:[$£€]|\d)", @"\bpre-?seed\b", @"\bseed (?:round|funding|money)\b",
                    @"\bangel (?:investors?|round|network)\b", @"\bfrom angels\b", @"\bbootstrapp(?:ed|ing)\b", @"\b(?:my|our) (?:own )?savings\b",
                    @"\bour budget\b", @"\bfunded by\b", @"\b(?:a|an|our)\s+(?:[$£€]\s?)?\d[\d,.]*\s*[km]?\s+(?:grant|budget|loan)\b"),
                // Only the founder's own: "budget" or "funding" alone is as often the customer's.
                Cues.Of(@"\b(?:our|my) (?:\w+ )?(?:funding|investors?|grants?)\b")),
            new("team", "team_capabilities", "your team",
                ["Who's on the team, and what can you build or sell yourselves?",
                 "Tell me about your team: who does what?"],
                "is that your team, and who does what?",
                Cues.Of(@"\bco-?founders?\b", @"\bsolo founder\b", @"\b(?:our|the) team (?:is|are|has|of|includes)\b", @"\bthere are \w+ of us\b",
                    $@"\bwe(?:'re| are) (?:a team of )?{Number} (?:people|of us|founders)\b", @"\b(?:it's|it is) (?:just )?me and\b"),
                Cues.None),
        ]),
        new(7, "Goals & Next Steps", "Where you are and what success looks like", ["Current stage", "Three-month goals"],
        [
            new("business_stage", "business_stage", "where you are today",
                ["Where are you today: an idea, a prototype, a pilot, paying customers?",
                 "How far along are you: idea, prototype, launched, revenue?"],
                "is that where you are today, and who is using it?",
                Cues.Of(@"\b(?:idea stage|pre-launch|pre-revenue)\b", @"\bwe(?:'re| are) live\b", @"\bwe launched\b", $@"\b(?:we have|with) {Number} paying\b",
                    @"\bwe (?:have|launched|built|shipped|released|run|are running)\b[^.;!?]{0,20}\b(?:prototype|mvp|beta|pilot)\b"),
                Cues.Of(@"\b(?:an? |the |our )?(?:prototype|mvp|beta|pilot)\b", @"\blaunched\b", @"\brevenue\b")),
            new("goals", "three_month_goals", "your goals",
                ["What do you want to achieve in the next three months, and how will you know it worked?",
                 "What would make the next three months a success for you?"],
                "is that your goal for the next three months, and how will you know it worked?",
                Cues.Of(@"\b(?:in|over|within|during) the (?:next|coming) (?:three|3|six|6|few|twelve|12) months\b",
                    @"\bby the end of (?:the |this |next )?(?:year|quarter|month|summer|spring|autumn|winter|term|q[1-4])\b",
                    @"\b(?:our|my|the) (?:main |first |next )?(?:goal|aim|target) (?:is|for)\b", @"\bmilestones?\b",
                    @"\b(?:we|i) (?:want|aim|plan|hope|need) to (?:reach|sign|hit|get to|launch|raise|close|grow)\b"),
                Cues.None),
        ]),
    ];

    public static int Count => All.Count;

    public static readonly IReadOnlyList<Topic> Topics = [.. All.SelectMany(s => s.Topics)];

    /// <summary>The brief fields the interview can fill, in the order of the conversation, plus the ones derived from it.</summary>
    public static readonly IReadOnlyList<string> BriefFields = ["company_name", .. Topics.Select(t => t.BriefField), "additional_notes"];

    public static Stage Get(int number) => All[Math.Clamp(number, 1, All.Count) - 1];

    public static Topic? Find(string? name) => Topics.FirstOrDefault(t => t.Name == name);

    public static Topic? ForField(string field) => Topics.FirstOrDefault(t => t.BriefField == field);

    public static Stage StageOf(Topic topic) => All.First(s => s.Topics.Contains(topic));
}
