namespace Onboarding.Testing;

/// <summary>The founder of "Ledgerline" as a test plays them in the interview.</summary>
public static class ScriptedFounder
{
    /// <summary>A founder whose answers each cover exactly the topic asked, in order (14 topics, 7 stages).</summary>
    public static readonly IReadOnlyList<string> Answers =
    [
        "We're building Ledgerline, a tool that reconciles the books for small accounting firms automatically.",
        "I ran finance operations at two accounting firms for eight years before this.",
        "Accounting firms with 5 to 50 staff in the UK and Ireland, mainly the partners who run them.",
        "Firms already using Xero, and I have talked with 12 partners who want it now.",
        "Month-end reconciliation takes days of manual matching between bank feeds and ledgers.",
        "It costs each firm about 40 hours every month, roughly £2,000 in staff time.",
        "It connects to the bank feeds, matches transactions to the ledger and flags only the exceptions for review.",
        "It reconciles in minutes instead of days, with every match explained so partners trust it.",
        "Mostly spreadsheets, plus Xero's own reconciliation and BlackLine for bigger companies.",
        "We learn from anonymised data shared by our first firms, which newcomers cannot get.",
        "We have £150k from angels, enough for eighteen months.",
        "Two co-founders: I handle sales and my co-founder Priya builds the product.",
        "We have a working prototype used by three firms.",
        "Sign ten paying firms in the next three months and get reconciliation time under one day.",
    ];
}
