namespace Onboarding.Testing;

/// <summary>
/// Founders of different kinds, each answering the question the interviewer actually asked. The project's own
/// invented text: the companies, people and figures are made up.
/// </summary>
public static partial class ScriptedFounders
{
    public static IReadOnlyList<Founder> All =>
        [Shiftbook, Pantrypal, Fixwell, Halcyon, ReadTogether, Quill, Kilnhouse, Greenloop, Riego, Routewise, Recall, Loomly, MediBridge, Coldcase, Lexa];

    /// <summary>The restaurant-payroll founder whose answer about cost mentions spreadsheets (no word about competitors).</summary>
    public static readonly Founder Shiftbook = new("shiftbook", "B2B software (mentions spreadsheets when asked about cost)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["We're building Shiftbook, payroll and labour-law compliance software for independent restaurants."]],
        ["founder_background"] = [["I managed payroll for a restaurant group with 14 locations for six years."]],
        ["target_customers"] = [["Owners of independent restaurants in the US with 10 to 60 hourly staff."]],
        ["early_adopters"] = [["Owners in California and New York, where tip and overtime rules are strictest; eight of them have agreed to a pilot."]],
        ["problem_description"] = [["Restaurant payroll breaks labour rules without anyone noticing: split shifts, tip pooling and overtime are worked out by hand."]],
        ["problem_impact"] = [["One audit cost my old employer $180k in back pay and penalties;", "owners spend 5-10 hours a week on compliance spreadsheets."]],
        ["solution_description"] = [["Shiftbook reads the schedule and the time clock, applies each state's rules to every shift, and runs payroll with the premiums already in."]],
        ["unique_value"] = [["Every pay line shows the rule behind it, so an owner can defend it in an audit."]],
        ["competitors"] = [["ADP, Gusto, 7shifts and Toast Payroll, plus the spreadsheets most owners keep beside them."]],
        ["competitive_advantages"] = [["We encode the labour rules of every state and city ourselves, which took two years and which general payroll tools skip."]],
        ["budget"] = [["We raised $600k in a pre-seed round, which gives us 20 months of runway."]],
        ["team"] = [["There are three of us: I run sales, Dana builds the rules engine and Luis does the integrations."]],
        ["business_stage"] = [["We have a working product in pilot with eight restaurants."]],
        ["goals"] = [["Convert the eight pilots to paid plans and sign 25 more restaurants by the end of the quarter."]],
    });

    public static readonly Founder Pantrypal = new("pantrypal", "Consumer app", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["We're building Pantrypal, an app that plans a week of family dinners from what is already in your fridge."]],
        ["founder_background"] = [["I was a product manager at a grocery delivery company for five years, and I am a parent of three."]],
        ["target_customers"] = [["Parents with young children who cook at home most nights and shop once a week."]],
        ["early_adopters"] = [["Parents in our school's WhatsApp group: 240 of them joined the waitlist in two weeks."]],
        ["problem_description"] = [["Every evening they have to decide what to cook, and half of what they bought goes off before they use it."]],
        ["problem_impact"] = [["A family of four throws away about $1,500 of food a year, and the planning takes an hour every Sunday."]],
        ["solution_description"] = [["You snap a photo of the fridge, the app recognises what is there and suggests five dinners that use it up first."]],
        ["unique_value"] = [["It plans around what you already have rather than sending you shopping for new recipes."]],
        ["competitors"] = [["Mealime, Paprika and the recipe sections of the supermarket apps."]],
        ["competitive_advantages"] = [["Our fridge recognition is trained on 40,000 photos from real kitchens, which a recipe site does not have."]],
        ["budget"] = [["I put in $50k of my own savings, and we have a $100k grant from the city's food-waste programme."]],
        ["team"] = [["My co-founder Amir is a machine-learning engineer and I do product and design."]],
        ["business_stage"] = [["We have a beta on the App Store with 600 weekly users."]],
        ["goals"] = [["Reach 5,000 weekly users and test a $4 monthly subscription in the next three months."]],
    });

    public static readonly Founder Fixwell = new("fixwell", "Two-sided marketplace", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Fixwell is a marketplace where homeowners book vetted plumbers, electricians and carpenters for small jobs."]],
        ["founder_background"] = [["I ran a small building firm in Leeds for nine years before this."]],
        ["target_customers"] = [["On one side homeowners in UK cities who need small repairs;", "on the other, independent tradespeople with free hours in their week."]],
        ["early_adopters"] = [["Tradespeople I worked with for years, and about 30 homeowners from our neighbourhood forum who posted jobs nobody took."]],
        ["problem_description"] = [["Small jobs are hard to get done: good tradespeople ignore them, and homeowners cannot tell who is reliable."]],
        ["problem_impact"] = [["Homeowners wait three weeks on average for a small repair, and tradespeople lose about a day a week between jobs."]],
        ["solution_description"] = [["A homeowner describes the job with photos, gets a fixed price within an hour, and books a vetted tradesperson for a slot that suits them."]],
        ["unique_value"] = [["Prices are fixed before the visit, and every tradesperson is checked in person by someone who has done the trade."]],
        ["competitors"] = [["Checkatrade, MyBuilder and TaskRabbit, and a lot of people just ask in Facebook groups."]],
        ["competitive_advantages"] = [["Our vetting network of retired tradespeople is slow to build and hard to copy."]],
        ["budget"] = [["We are bootstrapped on £40k from my building firm's savings."]],
        ["team"] = [["Me, my sister who handles operations, and a freelance developer three days a week."]],
        ["business_stage"] = [["We launched in Leeds four months ago and take about 60 jobs a month."]],
        ["goals"] = [["Reach 200 jobs a month in Leeds and open in Manchester by the end of the summer."]],
    });

    public static readonly Founder Halcyon = new("halcyon", "Deep tech (battery materials)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Halcyon Cells is developing a solid-state electrolyte that lets scooter batteries charge in ten minutes without the fire risk of today's cells."]],
        ["founder_background"] = [["I did my PhD in ceramic ion conductors at Imperial and spent four years at a battery start-up in Oxford."]],
        ["target_customers"] = [["Manufacturers of battery packs for electric scooters and e-bikes, mostly in Taiwan and Germany."]],
        ["early_adopters"] = [["Two pack makers have tested our sample cells, and one has signed a joint development agreement."]],
        ["problem_description"] = [["Lithium-ion scooter packs overheat when charged fast, so fleets charge slowly and still see fires."]],
        ["problem_impact"] = [["A shared-scooter fleet loses about 30% of its vehicles' working hours to charging, and each warehouse fire costs tens of thousands."]],
        ["solution_description"] = [["Our ceramic electrolyte replaces the liquid one, so the cell tolerates the heat of fast charging and cannot leak."]],
        ["unique_value"] = [["It charges three times faster than current packs and runs on the same factory lines, so makers need no new equipment."]],
        ["competitors"] = [["QuantumScape and Solid Power work on car cells, and pack makers buy lithium iron phosphate cells from CATL."]],
        ["competitive_advantages"] = [["We hold two patents on the sintering process, which keeps the ceramic thin enough to be cheap."]],
        ["budget"] = [["We have a £1.2M Innovate UK grant and £300k from angels, about two years of lab work."]],
        ["team"] = [["Five people: two materials scientists, a cell engineer, our operations lead and me."]],
        ["business_stage"] = [["We make sample cells by hand in our lab and have passed the first safety tests."]],
        ["goals"] = [["Ship 500 sample cells to our development partner and close a £4M seed round in the next three months."]],
    });

    public static readonly Founder ReadTogether = new("readtogether", "Non-profit", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["ReadTogether is a charity that pairs volunteer readers with primary school children who are falling behind."]],
        ["founder_background"] = [["I taught in primary schools in Glasgow for eleven years."]],
        ["target_customers"] = [["Primary schools in low-income areas of Scotland, and through them children aged six to nine who read below their age."]],
        ["early_adopters"] = [["Four head teachers I used to work with asked for it, and two schools started in September."]],
        ["problem_description"] = [["Children who cannot read well by nine fall behind in every subject, and teachers have no time for one-to-one reading."]],
        ["problem_impact"] = [["One in four children in these schools leaves primary school unable to read confidently, and each class has thirty children to one teacher."]],
        ["solution_description"] = [["Trained volunteers read with the same two children for half an hour twice a week, and the school sees progress on a simple dashboard."]],
        ["unique_value"] = [["Each child keeps the same volunteer all year, so they build the trust that makes them read aloud."]],
        ["competitors"] = [["Volunteer reading schemes from larger charities, and the council's own catch-up tutoring."]],
        ["competitive_advantages"] = [["We recruit volunteers from the school's own community, so they stay longer and cost less to train."]],
        ["budget"] = [["A £90k grant from a family foundation covers our first year, and we are applying to the lottery fund."]],
        ["team"] = [["Me full-time, a part-time volunteer coordinator, and a board of three trustees."]],
        ["business_stage"] = [["We run in two schools with 45 volunteers and 80 children."]],
        ["goals"] = [["Grow to six schools by the end of the spring term and show a year's reading progress for most children."]],
    });

    /// <summary>Answers in a few words.</summary>
    public static readonly Founder Quill = new("quill", "Terse (a few words an answer)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Quill: invoicing for freelancers."]],
        ["founder_background"] = [["Ex-accountant."]],
        ["target_customers"] = [["Freelance designers."]],
        ["early_adopters"] = [["Ten designer friends."]],
        ["problem_description"] = [["Chasing late invoices."]],
        ["problem_impact"] = [["Paid 40 days late."]],
        ["solution_description"] = [["Automatic reminders, card links."]],
        ["unique_value"] = [["One-click payment."]],
        ["competitors"] = [["FreshBooks, Wave."]],
        ["competitive_advantages"] = [["Designer community."]],
        ["budget"] = [["$10k savings."]],
        ["team"] = [["Just me."]],
        ["business_stage"] = [["Prototype."]],
        ["goals"] = [["100 paying users."]],
    });
}
