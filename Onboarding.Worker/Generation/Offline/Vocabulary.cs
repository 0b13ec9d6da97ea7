using System.Text.RegularExpressions;

namespace Onboarding.Worker.Generation.Offline;

/// <summary>A term of a curated vocabulary: how it is shown, and the words on a page that mean it.</summary>
internal sealed class Term(string display, string pattern)
{
    public string Display { get; } = display;

    public Regex Pattern { get; } = new(@"(?<![\w-])(?:" + pattern + @")(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}

/// <summary>
/// The curated vocabularies the offline extractor recognises. English only: a site in another language still gets
/// its name, tagline, description and headings-based fields, and leaves these lists empty rather than guessing.
/// </summary>
internal static class Vocabulary
{
    /// <summary>Industries a company may serve (or be in).</summary>
    public static readonly IReadOnlyList<Term> Industries =
    [
        new("Restaurants", @"restaurants?|foodservice operators?|food service operators?|cafés|cafes|quick-service"),
        new("Healthcare", @"healthcare|health care|hospitals?|clinics?|senior living|medical practices?|health systems?"),
        new("Education", @"education|educational(?: facilities| institutions)?|schools?|colleges?|universit(?:y|ies)|edtech"),
        new("Hospitality", @"hospitality|hotels?|lodging(?: establishments)?|resorts?|casinos?"),
        new("Government", @"government(?: agencies)?|public sector|military(?: bases)?|municipalit(?:y|ies)"),
        new("Travel and leisure", @"travel and leisure|airlines?|cruise lines?|stadiums?|theme parks?"),
        new("Retail", @"retail(?:ers?)?|brick-and-mortar stores?"),
        new("E-commerce", @"e-?commerce|online stores?|online shops?|direct-to-consumer|DTC brands?"),
        new("Software and SaaS", @"SaaS(?: companies| businesses)?|software companies|tech companies|technology companies"),
        new("Financial services", @"financial services|banks|banking|fintechs?|credit unions?|wealth management"),
        new("Insurance", @"insurance(?: companies| carriers)?|insurers"),
        new("Manufacturing", @"manufactur(?:ing|ers?)"),
        new("Construction", @"construction(?: companies)?|contractors"),
        new("Real estate", @"real estate|property management|property managers"),
        new("Nonprofits", @"non-?profits?|charit(?:y|ies)|NGOs?"),
        new("Media and publishing", @"publishers|publishing|media companies|newsrooms|news sites"),
        new("Agencies", @"(?<!government )agencies|marketing agencies|digital agencies|creative agencies"),
        new("Professional services", @"professional services|law firms?|accounting firms?|consultancies"),
        new("Logistics", @"logistics|freight|supply chain companies|trucking"),
        new("Agriculture", @"agricultur(?:e|al)|farms|farmers"),
        new("Automotive", @"automotive|car dealers(?:hips)?|dealerships?"),
        new("Energy and utilities", @"energy companies|utilities|oil and gas|renewable energy"),
        new("Life sciences", @"life sciences|biotech(?:nology)?|pharma(?:ceuticals?)?"),
        new("Gaming", @"gaming|game studios?"),
        new("Telecommunications", @"telecom(?:munications)?"),
        new("Fitness and wellness", @"fitness|gyms?|wellness"),
        new("Aerospace and defense", @"aerospace|defen[cs]e(?: contractors| tech)?"),
    ];

    /// <summary>Buyers and users.</summary>
    public static readonly IReadOnlyList<Term> Roles =
    [
        new("CFOs", @"CFOs?|chief financial officers?"),
        new("Finance teams", @"finance teams?|finance leaders?|finance departments?|finance and accounting teams?"),
        new("Controllers", @"controllers?"),
        new("VPs of finance", @"VPs? of finance|heads? of finance|finance directors?"),
        new("Accountants", @"accountants?|accounting teams?|bookkeepers?"),
        new("AP teams", @"AP teams?|AP clerks?|accounts payable (?:teams?|clerks?|specialists?)"),
        new("Procurement teams", @"procurement (?:teams?|leaders?|managers?)|purchasing managers?"),
        new("Travel managers", @"travel managers?"),
        new("CEOs and founders", @"CEOs?|founders?|co-founders?"),
        new("CTOs", @"CTOs?|VPs? of engineering"),
        new("Developers", @"developers?|software engineers?|engineering teams?|engineers"),
        new("Product teams", @"product managers?|product teams?|product leaders?"),
        new("Designers", @"designers?|design teams?"),
        new("Marketers", @"marketers?|marketing teams?|growth teams?|CMOs?"),
        new("Sales teams", @"sales teams?|sales reps?|account executives?|sales leaders?"),
        new("Support teams", @"support teams?|support agents?|customer success teams?"),
        new("HR teams", @"HR teams?|people teams?|recruiters?|HR leaders?|HR managers?"),
        new("IT teams", @"IT teams?|IT admins?|IT administrators?|CIOs?|sysadmins?"),
        new("Operations teams", @"ops teams?|operations teams?|operations managers?|COOs?"),
        new("Data teams", @"data teams?|data analysts?|analysts|data scientists?|data engineers?"),
        new("Website owners", @"website owners?|site owners?|webmasters?"),
        new("Bloggers and creators", @"bloggers?|creators|content creators?"),
        new("Restaurant owners and operators", @"restaurant (?:owners?|operators?|managers?)|foodservice operators?|food service operators?"),
        new("Chefs", @"chefs?"),
        new("Store owners and merchants", @"merchants|store owners?|shop owners?|online sellers?"),
        new("Small business owners", @"small business owners?|business owners?"),
        new("Executives", @"executives|leadership teams?|C-suite"),
        new("Individuals and families", @"families|(?:your|my|whole|the) family|friends(?:,| and| or) family|family members|personal use|personal life|households"),
        new("Hosting providers", @"hosting providers?|web hosts?|hosting companies"),
    ];

    /// <summary>Company sizes, in the order a summary lists them (small to large).</summary>
    public static readonly IReadOnlyList<Term> CompanySizes =
    [
        new("Freelancers and individuals", @"freelancers?|solopreneurs?|solo founders?|individuals|indie hackers?"),
        new("Startups", @"startups?|start-ups?|early-stage companies"),
        new("Small businesses", @"small businesses|small business|SMBs?|SMEs?|small and medium(?:-sized)? businesses|small teams"),
        new("Independent businesses", @"independent (?:restaurants?|businesses|operators|retailers|shops|stores)"),
        new("Mid-market companies", @"mid-market|midmarket|mid-size(?:d)?(?: companies| businesses)?|midsize(?: companies| businesses)?|medium-sized (?:companies|businesses)"),
        new("Enterprises", @"enterprises|enterprise (?:companies|customers|teams|organi[sz]ations|businesses)|large(?:,? \w+)? (?:companies|businesses|organi[sz]ations|enterprises)|large sites and organi[sz]ations|Fortune 500(?: companies)?|public companies"),
        new("Chains", @"(?:national|regional|restaurant|retail) chains|chain restaurants|multi-unit operators?"),
        new("Businesses of all sizes", @"(?:businesses|companies|teams|organi[sz]ations) of (?:all|every) sizes?"),
    ];

    /// <summary>Countries and regions, as a customer's location.</summary>
    public static readonly IReadOnlyList<Term> Regions =
    [
        new("United States", @"United States|U\.S\.|USA|the US"),
        new("Canada", @"Canada"),
        new("United Kingdom", @"United Kingdom|the UK|UK"),
        new("European Union", @"European Union|the EU"),
        new("Europe", @"Europe"),
        new("North America", @"North America"),
        new("Latin America", @"Latin America|LATAM"),
        new("Asia-Pacific", @"Asia-Pacific|APAC|Asia Pacific"),
        new("Middle East", @"Middle East|MENA"),
        new("Africa", @"Africa"),
        new("Australia", @"Australia"),
        new("New Zealand", @"New Zealand"),
        new("Germany", @"Germany"),
        new("France", @"France"),
        new("Spain", @"Spain"),
        new("Italy", @"Italy"),
        new("Netherlands", @"the Netherlands|Netherlands"),
        new("Belgium", @"Belgium"),
        new("Ireland", @"Ireland"),
        new("Sweden", @"Sweden"),
        new("Norway", @"Norway"),
        new("Denmark", @"Denmark"),
        new("Finland", @"Finland"),
        new("Estonia", @"Estonia"),
        new("Poland", @"Poland"),
        new("Switzerland", @"Switzerland"),
        new("Austria", @"Austria"),
        new("Portugal", @"Portugal"),
        new("Japan", @"Japan"),
        new("China", @"China"),
        new("India", @"India"),
        new("Singapore", @"Singapore"),
        new("Brazil", @"Brazil"),
        new("Mexico", @"Mexico"),
        new("Israel", @"Israel"),
        new("United Arab Emirates", @"United Arab Emirates|UAE"),
        new("South Africa", @"South Africa"),
        new("Bahamas", @"the Bahamas|Bahamas"),
    ];

    /// <summary>Market categories, for sites that do not name theirs in a sentence.</summary>
    public static readonly IReadOnlyList<Term> Categories =
    [
        new("Web analytics", @"web analytics|website analytics|site analytics|website statistics"),
        new("Product analytics", @"product analytics|behavioral analytics"),
        new("Spend management", @"spend management|corporate cards?|expense management"),
        new("Accounts payable automation", @"accounts payable automation|AP automation|bill pay(?:ments)?"),
        new("Payments", @"payment processing|online payments|payments platform|payment gateway"),
        new("Business banking", @"business banking|business bank accounts?"),
        new("Accounting software", @"accounting software|bookkeeping software"),
        new("Payroll and HR software", @"payroll|HR software|HRIS"),
        new("Project management", @"project management|issue tracking|issue tracker|task management"),
        new("CRM", @"CRM|customer relationship management"),
        new("Email marketing", @"email marketing|newsletter platform"),
        new("Marketing automation", @"marketing automation"),
        new("Customer support software", @"help desk|helpdesk|customer support software|live chat software"),
        new("E-commerce platform", @"e-?commerce platform|online store builder"),
        new("Website builder", @"website builder|no-code website"),
        new("Developer tools", @"developer tools?|developer platform|CI/CD|code review|version control"),
        new("Observability", @"observability|application monitoring|error tracking|log management"),
        new("Cloud hosting", @"cloud hosting|web hosting|managed hosting"),
        new("Cybersecurity", @"cybersecurity|threat detection|endpoint security"),
        new("Design software", @"design tool|prototyping|collaborative design"),
        new("Collaboration software", @"team chat|workplace messaging|collaboration software|whiteboard"),
        new("Data infrastructure", @"data warehouse|ETL|data pipelines?|data platform"),
        new("Foodservice distribution", @"foodservice distribution|food(?:service)? distributor|food distribution|distributing food(?: products)?|wholesale (?:restaurant )?food"),
        new("Coffee", @"coffee roasters?|specialty coffee"),
        new("Apparel", @"apparel|clothing|outdoor gear"),
        new("Travel management", @"travel management|corporate travel"),
        new("Insurance", @"insurance"),
        new("Real estate", @"real estate brokerage|property management software"),
        new("Logistics", @"freight forwarding|logistics services|shipping services"),
        new("Consulting", @"consulting services|management consulting"),
        new("Legal services", @"law firm|legal services"),
    ];

    /// <summary>Verbs that start an imperative, benefit-style heading ("Save time", "Close your books faster").</summary>
    public static readonly HashSet<string> ActionVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "add", "analyze", "analyse", "automate", "book", "boost", "bring", "build", "capture", "close", "collaborate", "collect", "connect", "consolidate",
        "control", "create", "cut", "deliver", "deploy", "design", "discover", "ditch", "eliminate", "enforce", "find", "forecast", "get", "grow",
        "hire", "import", "integrate", "issue", "keep", "know", "launch", "manage", "measure", "monitor", "move", "optimize", "optimise",
        "order", "own", "pay", "plan", "protect", "reach", "reduce", "reimburse", "replace", "report", "run", "save", "scale", "see", "sell",
        "send", "serve", "set", "ship", "simplify", "spend", "stay", "stop", "streamline", "sync", "take", "track", "turn", "understand", "unify",
        "win", "work", "browse", "check", "place", "host", "self-host", "share", "invite", "embed", "export", "visualize", "process", "approve",
        "route", "match", "submit", "grab", "feed", "supply", "source", "cook", "prepare", "stock",
    };

    /// <summary>Words that make a button or link rather than content ("Start free trial", "Learn more").</summary>
    public static readonly HashSet<string> CallToActionStarts = new(StringComparer.OrdinalIgnoreCase)
    {
        "start", "get", "try", "sign", "book", "request", "schedule", "contact", "talk", "learn", "read", "see", "view", "explore", "watch",
        "download", "join", "subscribe", "buy", "apply", "choose", "tell", "become", "open", "login", "log",
    };

    /// <summary>Adjectives that open a benefit heading rather than name a product ("Simple metrics", "Lightweight script").</summary>
    public static readonly HashSet<string> BenefitAdjectives = new(StringComparer.OrdinalIgnoreCase)
    {
        "simple", "easy", "easier", "fast", "faster", "quick", "quicker", "better", "smarter", "smart", "powerful", "accurate", "lightweight",
        "light", "real-time", "trusted", "reliable", "secure", "flexible", "seamless", "modern", "beautiful", "built", "made", "designed",
        "quality", "expert", "unlimited", "effortless", "instant", "automatic", "automated", "intuitive", "transparent", "privacy-first",
        "privacy-friendly", "open", "independent", "full", "complete", "total", "world-class", "best", "award-winning", "global",
        "serving", "proven", "for", "no", "zero", "less", "more", "all", "every", "one", "everything", "why", "what", "how", "who", "where",
    };

    /// <summary>Headings that organise a page rather than say something about the business.</summary>
    public static readonly HashSet<string> GenericHeadings = new(StringComparer.OrdinalIgnoreCase)
    {
        "faq", "faqs", "frequently asked questions", "questions", "features", "pricing", "plans", "plans and pricing", "pricing plans", "customers",
        "customer stories", "case studies", "testimonials", "reviews", "about", "about us", "our mission", "mission", "our purpose", "purpose",
        "our story", "story", "our values", "values", "team", "our team", "leadership", "careers", "join us", "join the team", "contact",
        "contact us", "get in touch", "headquarters", "company details", "company", "resources", "blog", "news", "latest news", "press",
        "how it works", "get started", "products", "product", "solutions", "who we serve", "integrations", "security", "overview", "home",
        "welcome", "what we believe", "what we do", "why us", "partners", "investors", "newsroom", "legal", "support", "help", "menu",
        "compare plans", "all features", "more features", "and more", "what's new", "whats new", "documentation", "docs", "community",
        "sign up", "log in", "login", "next steps", "ready to get started", "start your free trial", "try it free", "learn more", "read more",
    };

    /// <summary>Legal suffixes that mark a company's registered name, not a product.</summary>
    public static readonly HashSet<string> LegalSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "inc", "inc.", "llc", "ltd", "ltd.", "limited", "corp", "corp.", "corporation", "gmbh", "ag", "sa", "sas", "bv", "b.v.", "oü", "ou", "ab", "as",
        "oy", "plc", "pty", "co", "co.", "company", "group", "holdings", "kg", "srl", "spa", "s.a.", "sarl", "ug", "pte",
    };
}
