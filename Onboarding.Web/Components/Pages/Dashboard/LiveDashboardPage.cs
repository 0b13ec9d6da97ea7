using Microsoft.AspNetCore.Components;
using Onboarding.Web.Dashboard;

namespace Onboarding.Web.Components.Pages.Dashboard;

/// <summary>
/// A dashboard page that follows the workspace live: when what it follows changes it renders again, and when the Api no
/// longer takes the key (revoked or rotated) it ends the sign-in that holds it and asks for a key again.
/// </summary>
public abstract class LiveDashboardPage : ComponentBase
{
    [Inject]
    protected NavigationManager Navigation { get; set; } = null!;

    /// <summary>Renders the page's new state, or sends the browser to sign in again when the key was refused.</summary>
    protected Task ShowChangeAsync(bool signedOut) => InvokeAsync(() =>
    {
        if (signedOut)
        {
            SignInAgain();
        }
        else
        {
            StateHasChanged();
        }
    });

    protected void SignInAgain() => Navigation.NavigateTo($"{DashboardSignIn.SignInPath}?error=revoked", forceLoad: true);
}
