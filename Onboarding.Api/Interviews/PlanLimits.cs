using Onboarding.Data.Model;

namespace Onboarding.Api.Interviews;

public sealed record PlanLimit(int SessionsPerMonth, int MessagesPerSession, int AnalysesPerMonth);

/// <summary>The plans' limits: per user, per calendar month (UTC).</summary>
public static class PlanLimits
{
    private static readonly Dictionary<string, PlanLimit> Table = new()
    {
        [Plans.Trial] = new(3, 100, 3),
        [Plans.Sprint] = new(5, 150, 5),
        [Plans.Founder] = new(15, 300, 25),
        [Plans.Enterprise] = new(100, 1000, 200),
    };

    public static PlanLimit For(string plan) => Table.GetValueOrDefault(plan) ?? Table[Plans.Trial];

    public static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset MonthEnd(DateTimeOffset now) => MonthStart(now).AddMonths(1);
}
