namespace Onboarding.Testing;

public static partial class ScriptedFounders
{
    /// <summary>Rambles: the first answer covers three topics, the answer about the problem also says what it costs.</summary>
    public static readonly Founder Kilnhouse = new("kilnhouse", "Rambling (three topics in one answer)", new Dictionary<string, string[][]>
    {
        ["business_concept"] =
        [[
            "So, basically, we're building Kilnhouse, booking and membership software for pottery studios.",
            "{founder_background}I've been a potter for fifteen years and ran my own studio in Bristol for six of them.",
            "{target_customers}Our customers are independent studio owners who rent wheels and kiln space to hobbyists, usually 20 to 150 members each.",
        ]],
        ["founder_background"] = [["As I said, I've been a potter for fifteen years and ran my own studio in Bristol."]],
        ["target_customers"] = [["Like I said, independent pottery studio owners with 20 to 150 members."]],
        ["early_adopters"] = [["The 14 studios on the potters' association forum who asked me for a copy of my booking spreadsheet, honestly, and I've talked to nine of them on video calls already and they all said they'd pay."]],
        ["problem_description"] =
        [[
            "The problem is that studios juggle class bookings, kiln firings and memberships in three different places, so things fall through the cracks.",
            "{problem_impact}It costs an owner about 8 hours a week just on admin, which is time they'd rather spend teaching.",
        ]],
        ["problem_impact"] = [["As I said, about 8 hours a week of admin for each owner."]],
        ["solution_description"] = [["Kilnhouse gives the studio one calendar for wheels, classes and firings, members book and pay from their phones, and the kiln queue runs itself, which is honestly the bit people get most excited about when I demo it."]],
        ["unique_value"] = [["It's the only booking tool built around the kiln, which is where every studio's bottleneck actually is."]],
        ["competitors"] = [["Mostly they use Mindbody or Acuity, which are made for yoga studios, or a mix of Google Calendar and spreadsheets, and a few use a WordPress plugin."]],
        ["competitive_advantages"] = [["I know hundreds of studio owners personally from fifteen years of fairs and courses, and that trust is hard to copy."]],
        ["budget"] = [["I've got £25k of savings and a small loan from my parents, so about a year if I'm careful."]],
        ["team"] = [["Right now it's me and a freelance developer, Tom, who I pay for two days a week, and I'd like to hire him full-time."]],
        ["business_stage"] = [["We have a working beta that my old studio and two others use every day."]],
        ["goals"] = [["Get 30 studios paying £49 a month by the end of the year, and honestly just prove people will pay."]],
    });

    /// <summary>Evades the question about their background once, and the one about the budget twice.</summary>
    public static readonly Founder Greenloop = new("greenloop", "Evasive (dodges one question once, another twice)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Greenloop rents reusable shipping boxes to online clothing shops and collects them back from their customers."]],
        ["founder_background"] = [["{}Not sure that matters."], ["I spent seven years in logistics at a large online retailer."]],
        ["target_customers"] = [["Online clothing shops in Germany that send between 2,000 and 20,000 parcels a month."]],
        ["early_adopters"] = [["Three sustainable fashion brands in Berlin who already ask their customers to send packaging back."]],
        ["problem_description"] = [["Shops throw away a cardboard box with every order, and their customers increasingly complain about the waste."]],
        ["problem_impact"] = [["A mid-sized shop spends about €40,000 a year on boxes, and returns come back in damaged packaging."]],
        ["solution_description"] = [["Shops order our boxes like normal packaging, customers drop them in any post box, and we clean and reuse them."]],
        ["unique_value"] = [["The box folds flat to the size of a letter, so sending it back is free and takes no effort."]],
        ["competitors"] = [["RePack and Boox do reusable packaging, and most shops simply buy cardboard from their usual supplier."]],
        ["competitive_advantages"] = [["Our folding design is patented and costs half as much to send back as other reusable boxes."]],
        ["budget"] = [["{}I'd rather not say."], ["{}No comment on that one."], ["We have €200k from a climate angel network, enough for a year."]],
        ["team"] = [["Four of us: two founders, a packaging engineer and a part-time logistics coordinator."]],
        ["business_stage"] = [["We are running a pilot with three shops and have sent 4,000 boxes."]],
        ["goals"] = [["Sign five paying shops and reach a 90% return rate in the next three months."]],
    });

    /// <summary>Answers in Spanish.</summary>
    public static readonly Founder Riego = new("riego", "Another language (Spanish)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Estamos creando Riego, una aplicación que dice a los pequeños agricultores cuándo y cuánto regar."]],
        ["founder_background"] = [["Soy ingeniera agrónoma y trabajé ocho años en una cooperativa de Murcia."]],
        ["target_customers"] = [["Agricultores con fincas de menos de 20 hectáreas en el sur de España, sobre todo de cítricos."]],
        ["early_adopters"] = [["Los 35 socios de la cooperativa donde trabajé;", "doce de ellos ya prueban la aplicación."]],
        ["problem_description"] = [["Riegan por costumbre y no por datos, y con la sequía el agua es cada vez más cara."]],
        ["problem_impact"] = [["Una finca media gasta unos 6.000 euros al año en agua, y casi un tercio se pierde."]],
        ["solution_description"] = [["Un sensor barato mide la humedad del suelo y la aplicación avisa de la hora y la cantidad de riego."]],
        ["unique_value"] = [["Funciona sin internet en la finca y cuesta diez veces menos que los sistemas profesionales."]],
        ["competitors"] = [["Los sistemas de riego de precisión de Netafim y, sobre todo, la experiencia del vecino."]],
        ["competitive_advantages"] = [["La cooperativa nos da sus datos de quince años de cosechas, que nadie más tiene."]],
        ["budget"] = [["Tenemos 80.000 euros de una subvención regional y de nuestros ahorros."]],
        ["team"] = [["Somos dos: yo en agronomía y mi socio Javier en software."]],
        ["business_stage"] = [["Tenemos un prototipo funcionando en doce fincas."]],
        ["goals"] = [["Llegar a cien fincas de pago antes del verano."]],
    });

    /// <summary>Uses words that belong to later topics in their ordinary meanings: team, spreadsheets, hire, budget.</summary>
    public static readonly Founder Routewise = new("routewise", "B2B, ordinary words that are also cues (team, spreadsheets, hire)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Routewise plans the daily visits of home-care nurses so each one drives less and sees more patients."]],
        ["founder_background"] = [["I was a home-care nurse for eight years and then ran scheduling for an agency with 120 nurses."]],
        ["target_customers"] = [["Home-care agencies with 20 to 200 nurses, where one coordinator plans every route."]],
        ["early_adopters"] = [["Agencies that lost nurses last winter because of overtime;", "I have interviewed 15 coordinators and six want to try it."]],
        ["problem_description"] = [["The coordinator's team rebuilds the schedule by hand in spreadsheets every morning, and one sick nurse breaks the whole day."]],
        ["problem_impact"] = [["Nurses spend a third of their shift driving, and agencies turn down new patients because they cannot hire fast enough."]],
        ["solution_description"] = [["Routewise builds the day's routes in two minutes from the patient list, and re-plans by itself when someone calls in sick."]],
        ["unique_value"] = [["It respects each patient's preferred nurse and time window, which generic route planners ignore."]],
        ["competitors"] = [["Agencies use AlayaCare or Birdie for care records, but plan routes in spreadsheets or on a whiteboard."]],
        ["competitive_advantages"] = [["The rules of home care, such as continuity of carer and visit windows, are built in, and I learned them the hard way."]],
        ["budget"] = [["We have £120k from a health-tech accelerator, which covers a year with the team we have."]],
        ["team"] = [["Me and my co-founder Ollie, who spent six years building logistics software at Ocado."]],
        ["business_stage"] = [["We launched a paid version in March and two agencies pay £400 a month."]],
        ["goals"] = [["Our goal is ten agencies by the summer, which would cover our budget for next year."]],
    });

    /// <summary>Names the competition unprompted while describing the problem.</summary>
    public static readonly Founder Recall = new("recall", "Healthcare B2B (names competitors while describing the problem)", new Dictionary<string, string[][]>
    {
        ["business_concept"] = [["Recall is a text-message assistant that fills dental appointments when patients cancel."]],
        ["founder_background"] = [["I was a practice manager at a dental group in Manchester for seven years."]],
        ["target_customers"] = [["Independent dental practices in the UK with two to eight dentists."]],
        ["early_adopters"] = [["Practices in my old group's network;", "I've spoken to 18 practice managers and five asked to join a trial."]],
        ["problem_description"] =
        [[
            "Patients cancel at short notice, and the receptionist cannot phone the waiting list fast enough to fill the gap.",
            "{competitors}Today most practices use Dentally's reminders or phone patients by hand instead, and neither fills a cancelled slot.",
        ]],
        ["problem_impact"] = [["A practice loses about 12 appointments a week, around £1,800 in fees."]],
        ["solution_description"] = [["When a slot opens, Recall texts the patients most likely to take it, books the first to reply and updates the diary."]],
        ["unique_value"] = [["It learns which patients say yes at short notice, so slots fill in minutes instead of hours."]],
        ["competitors"] = [["As I said, Dentally's own reminders, and receptionists phoning patients by hand."]],
        ["competitive_advantages"] = [["Our integrations with the three main dental systems took a year to get certified."]],
        ["budget"] = [["We raised £250k from angels who are dentists themselves."]],
        ["team"] = [["Three people: me, a developer and a part-time dental nurse who handles onboarding."]],
        ["business_stage"] = [["We are live in five practices, two of them paying."]],
        ["goals"] = [["Reach 40 paying practices and cut their empty slots by half in the next three months."]],
    });
}
