using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;

namespace Onboarding.Web.Components.Pages.Claims;

/// <summary>
/// The magic link's page: reads the claim's preview (which changes nothing), and on a click confirms it
/// once and shows the new org's API key. The token and the key stay in this circuit; neither is logged.
/// </summary>
public sealed partial class ClaimPage
{
    private readonly CancellationTokenSource _closing = new();
    private (string ClaimId, string? Token)? _link;
    private ClaimPreview? _preview;
    private ClaimProblemDetails? _problem;
    private ClaimProblemDetails? _confirmProblem;
    private ClaimConfirmed? _confirmed;
    private bool _confirming;
    private ViewerClock? _clock;
    private IJSObjectReference? _module;

    [Parameter]
    public string ClaimId { get; set; } = "";

    [SupplyParameterFromQuery(Name = "t")]
    public string? Token { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _clock ??= ViewerClock.Utc(Time);
        if (_link == (ClaimId, Token))
        {
            return;
        }

        // A first render, or the router reused this page for another link: nothing of the last one stays.
        _link = (ClaimId, Token);
        _confirmed = null;
        _confirmProblem = null;
        await LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./time-zone.js");
            _clock = ViewerClock.For(await _module.InvokeAsync<string?>("timeZone"), Time);
            StateHasChanged();
        }
        catch (JSDisconnectedException)
        {
            // The browser left; DisposeAsync cleans up.
        }
        catch (JSException)
        {
            // The script failed (an old cached page, a blocked import): times stay in UTC and the claim goes on.
        }
    }

    private async Task LoadAsync()
    {
        _preview = null;
        _problem = null;
        if (string.IsNullOrEmpty(Token))
        {
            // An address without its token was copied in part; the Api would say the same.
            _problem = new ClaimProblemDetails(ClaimFailure.TokenInvalid);
            return;
        }

        var read = await Api.PreviewClaimAsync(ClaimId, Token, _closing.Token);
        _problem = read switch
        {
            { Preview.Confirmed: true } => new ClaimProblemDetails(ClaimFailure.AlreadyConfirmed),
            { Preview.Expired: true } => new ClaimProblemDetails(ClaimFailure.LinkExpired),
            _ => read.Problem,
        };
        _preview = _problem is null ? read.Preview : null;
    }

    private async Task ConfirmAsync()
    {
        // Blazor runs this circuit's events one at a time, and this flag is set before the first await:
        // a second click that arrives before the button is disabled finds it and sends nothing.
        if (_confirming || _preview is null || string.IsNullOrEmpty(Token))
        {
            return;
        }

        _confirming = true;
        _confirmProblem = null;
        try
        {
            // Not cancelled when the page closes: a confirmation cut off after the Api acted would lose the key all the same.
            var confirmation = await Confirmation.ConfirmClaimAsync(ClaimId, Token, CancellationToken.None);
            switch (confirmation)
            {
                case { Confirmed: { } confirmed }:
                    _confirmed = confirmed;
                    break;
                case { Problem: { Failure: ClaimFailure.ApiUnavailable or ClaimFailure.RateLimited } retryable }:
                    // Worth another click: the preview stays, with what happened above the button.
                    _confirmProblem = retryable;
                    break;
                default:
                    _problem = confirmation.Problem;
                    break;
            }
        }
        finally
        {
            _confirming = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _closing.Dispose();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is already gone, and the module with it.
            }
        }
    }
}
