namespace Onboarding.Testing;

public static partial class ScriptedFounders
{
    // These four were written after the rules of the assessment, to check that the rules carry over to founders they
    // were not written against.

    public static readonly Founder Loomly = new("loomly", "B2B retail (two sentences an answer)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Loomly is an inventory tool for independent yarn shops.", "It tracks stock across the shop, the website and markets."]],
        ["founder_background"] = [["I owned a yarn shop in Edinburgh for nine years.", "Before that I was a software tester at a bank."]],
        ["target_customers"] = [["Independent craft shops in the UK that sell both in store and online.", "Most have one or two staff and a Shopify site."]],
        ["early_adopters"] = [["Shops that sell at craft fairs, because that is where stock goes wrong.", "I know about twenty owners from the fair circuit."]],
        ["problem_description"] = [["Stock numbers drift apart between the till, the website and the fair stall.", "Owners sell wool online that they already sold in the shop."]],
        ["problem_impact"] = [["Every oversold order means a refund and an apology, about five a week for a busy shop.", "Owners also lose a Sunday each month counting stock."]],
        ["solution_description"] = [["Loomly syncs the till, Shopify and a phone app for fairs, so every sale updates one count.", "It warns when a colourway runs low."]],
        ["unique_value"] = [["It understands dye lots, which matter to knitters and which generic stock tools ignore."]],
        ["competitors"] = [["Square's inventory, Shopify's own stock features, and a lot of paper notebooks."]],
        ["competitive_advantages"] = [["Knowing the craft: dye lots, kits and yarn weights are built into the data model."]],
        ["budget"] = [["About £15,000 of my own money, which lasts until spring."]],
        ["team"] = [["Me and a part-time developer who is also a knitter."]],
        ["business_stage"] = [["Three shops use a beta every day."]],
        ["goals"] = [["Get those three shops paying and add seven more before Easter."]],
    });

    public static readonly Founder MediBridge = new("medibridge", "Health hardware (the customer's team and budget in passing)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["We are making MediBridge, translation earpieces for hospital interpreters."]],
        ["founder_background"] = [["I worked as a medical interpreter for ten years in Madrid and London."]],
        ["target_customers"] = [["Hospital interpreting services, which are usually a small team inside the patient services budget."]],
        ["early_adopters"] = [["The interpreting team at my old hospital, who lend their devices between wards."]],
        ["problem_description"] = [["There are never enough interpreters, so nurses use family members or phone lines with long waits."]],
        ["problem_impact"] = [["A patient without an interpreter stays on average one day longer, which costs the hospital around £400."]],
        ["solution_description"] = [["The earpiece connects the patient to a remote interpreter in under a minute and records the session for the notes."]],
        ["unique_value"] = [["It is hands-free, so a nurse can keep working while the interpreter speaks."]],
        ["competitors"] = [["LanguageLine and other phone interpreting services."]],
        ["competitive_advantages"] = [["We hold the only NHS approval for a device of this kind."]],
        ["budget"] = [["A £250k grant from a health innovation fund."]],
        ["team"] = [["Two engineers, a clinical lead and me."]],
        ["business_stage"] = [["We finished a pilot on two wards last month."]],
        ["goals"] = [["Sign our first hospital contract and start a second pilot."]],
    });

    public static readonly Founder Coldcase = new("coldcase", "Consumer subscription (names its customers with the concept)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Coldcase is a subscription for home coffee roasters, we send green beans every month.", "{target_customers}It's for people who already roast at home and are bored of the same two suppliers."]],
        ["founder_background"] = [["I have roasted coffee at home for years and worked at a specialty roastery in Bristol."]],
        ["target_customers"] = [["Home roasters, mostly men in their thirties and forties with a hobby budget."]],
        ["early_adopters"] = [["People in the home-roasting forums; 300 signed up to the waitlist after one post."]],
        ["problem_description"] = [["Small batches of good green coffee are hard to buy, and most suppliers sell 5kg sacks."]],
        ["problem_impact"] = [["They pay double for small bags, and half of a sack goes stale before they roast it."]],
        ["solution_description"] = [["Each month we send three 500g bags from small farms, with a roast profile for each."]],
        ["unique_value"] = [["We buy micro-lots with other roasters, so our members get beans usually sold only to cafes."]],
        ["competitors"] = [["Sweet Maria's in the US and a couple of UK green-bean shops."]],
        ["competitive_advantages"] = [["Our buying group with three roasteries gets us lots nobody else can split."]],
        ["budget"] = [["Bootstrapped, £8k so far."]],
        ["team"] = [["Just me, with my partner doing the packing at weekends."]],
        ["business_stage"] = [["We have 45 paying subscribers after two months."]],
        ["goals"] = [["Reach 150 subscribers by the end of the summer and keep churn under 5%."]],
    });

    public static readonly Founder Lexa = new("lexa", "Legal tech (says \"our customers\" in every answer)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Lexa drafts first versions of tenancy agreements for letting agents."]],
        ["founder_background"] = [["I was a property lawyer for six years."]],
        ["target_customers"] = [["Letting agents with 200 to 2,000 properties."]],
        ["early_adopters"] = [["Agents who were fined last year for non-compliant agreements."]],
        ["problem_description"] = [["Our customers copy old agreements and miss new rules, which get them fined."]],
        ["problem_impact"] = [["A non-compliant agreement can cost an agent up to £5,000 in fines."]],
        ["solution_description"] = [["Our customers answer ten questions and Lexa writes an agreement that follows the current rules."]],
        ["unique_value"] = [["Every clause links to the rule it follows, so our customers can check it."]],
        ["competitors"] = [["Template packs from trade bodies, and solicitors for complex cases."]],
        ["competitive_advantages"] = [["A lawyer reviews every rule change within a week, which template packs cannot match."]],
        ["budget"] = [["We raised £400k from two property angels."]],
        ["team"] = [["My co-founder handles engineering and I handle the law."]],
        ["business_stage"] = [["Twelve agents pay for it today."]],
        ["goals"] = [["Reach fifty paying agents by the end of the quarter."]],
    });
}
