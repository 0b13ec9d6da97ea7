using System.Security.Claims;

namespace Onboarding.Web.Services;

/// <summary>
/// What a dashboard sign-in knows about its user; the API key stays inside the server-side ticket. The Api clients read
/// the key from here, and the sign-in (Dashboard/) writes it.
/// </summary>
public static class DashboardUser
{
    public const string Scheme = "Dashboard";
    public const string ApiKeyClaim = "onboarding:api_key";
    public const string OrgSlugClaim = "onboarding:org_slug";
    public const string EmailClaim = "onboarding:email";

    public static string? ApiKey(this ClaimsPrincipal user) => user.FindFirst(ApiKeyClaim)?.Value;

    public static string OrgSlug(this ClaimsPrincipal user) => user.FindFirst(OrgSlugClaim)?.Value ?? "";

    public static string Email(this ClaimsPrincipal user) => user.FindFirst(EmailClaim)?.Value ?? "";
}
