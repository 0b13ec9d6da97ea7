using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Onboarding.Web.Services;
using StackExchange.Redis;

namespace Onboarding.Web.Dashboard;

/// <summary>
/// Dashboard sign-in by API key: the key is posted once from a plain form, checked with the Api, and
/// kept in a server-side ticket (<see cref="RedisTicketStore"/>); the browser gets only a cookie that refers to it.
/// </summary>
public static class DashboardSignIn
{
    public const string SignInPath = "/dashboard/sign-in";

    public static IServiceCollection AddDashboardSignIn(this IServiceCollection services)
    {
        services.AddSingleton<RedisTicketStore>();
        services.AddAuthentication(DashboardUser.Scheme)
            .AddCookie(DashboardUser.Scheme, options =>
            {
                options.LoginPath = SignInPath;
                options.Cookie.Name = "onboarding.dashboard";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
            });
        services.AddOptions<CookieAuthenticationOptions>(DashboardUser.Scheme)
            .Configure<RedisTicketStore>((options, store) => options.SessionStore = store);
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        return services;
    }

    public static IEndpointRouteBuilder MapDashboardSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost(SignInPath, (Delegate)SignInAsync);
        app.MapPost("/dashboard/sign-out", (Delegate)SignOutAsync);
        return app;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, [FromForm(Name = "apiKey")] string? apiKey, WorkspaceApiClient api, ILoggerFactory loggers)
    {
        apiKey = apiKey?.Trim();
        if (string.IsNullOrEmpty(apiKey) || apiKey.Length > 200)
        {
            return Results.LocalRedirect($"{SignInPath}?error=invalid");
        }

        var me = await api.MeAsync(apiKey, context.RequestAborted);
        if (!me.Ok)
        {
            return Results.LocalRedirect($"{SignInPath}?error={(me.Problem == WorkspaceProblem.Unauthorized ? "invalid" : "unavailable")}");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, me.Value!.User.Id),
                new Claim(ClaimTypes.Name, me.Value.User.Email),
                new Claim(DashboardUser.EmailClaim, me.Value.User.Email),
                new Claim(DashboardUser.OrgSlugClaim, me.Value.Org.Slug),
                new Claim(DashboardUser.ApiKeyClaim, apiKey),
            ],
            DashboardUser.Scheme);
        try
        {
            await context.SignInAsync(DashboardUser.Scheme, new ClaimsPrincipal(identity));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            loggers.CreateLogger(typeof(DashboardSignIn)).LogWarning(e, "Dashboard sign-in unavailable: the ticket store (Redis) cannot be reached");
            return Results.LocalRedirect($"{SignInPath}?error=unavailable");
        }

        return Results.LocalRedirect("/dashboard");
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(DashboardUser.Scheme);
        return Results.LocalRedirect($"{SignInPath}?signedOut=true");
    }
}
