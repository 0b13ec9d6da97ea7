using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Onboarding.Web.Sessions;

namespace Onboarding.Web.Components.Pages.Sessions;

/// <summary>
/// The live viewer behind <c>view_url</c>. It owns a <see cref="LiveSession"/> for the circuit, tells it
/// whether the tab is visible, and writes each rotated token into the address bar without navigating.
/// </summary>
public sealed partial class SessionViewer
{
    private LiveSession? _live;
    private ViewerClock? _clock;
    private IJSObjectReference? _module;
    private DotNetObjectReference<SessionViewer>? _self;
    private int? _observer;
    private (string SessionId, string? Token) _link;
    private string? _tokenInAddressBar;
    private ElementReference _timeline;

    // Where the page should scroll after the next render: "end" (the tip), "start", or "auto" (follow the tip when the
    // reader is at the bottom, else keep the reader's place); the first render with events opens at the tip.
    private string? _placeAfterRender = "end";

    [Parameter]
    public string SessionId { get; set; } = "";

    [SupplyParameterFromQuery(Name = "t")]
    public string? Token { get; set; }

    private ViewerState State => _live?.State ?? ViewerState.Loading(Token);

    protected override async Task OnParametersSetAsync()
    {
        _clock ??= ViewerClock.Utc(Time);
        if (_live is not null && _link == (SessionId, Token))
        {
            return;
        }

        // A first render, or the router reused this page for another link.
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }

        _link = (SessionId, Token);
        _tokenInAddressBar = Token;
        _live = new LiveSession(Api, Updates, Time, Loggers.CreateLogger<LiveSession>(), SessionId, Token, () => InvokeAsync(StateHasChanged));
        _live.Start();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Sessions/SessionViewer.razor.js");
                _self = DotNetObjectReference.Create(this);
                if (await _module.InvokeAsync<BrowserFacts?>("connect", _self) is { } facts)
                {
                    _observer = facts.Id;
                    _live?.SetVisible(facts.Visible);
                    _clock = ViewerClock.For(facts.TimeZone, Time);
                    StateHasChanged();
                }
            }

            // The list as rendered, not as the state now reads: a read may have brought the first events since this
            // render, and the list that shows them is not on the page until the next one.
            if (_module is not null && _observer is { } id && _timeline.Id is not null)
            {
                var place = _placeAfterRender ?? "auto";
                _placeAfterRender = null;
                await _module.InvokeVoidAsync("afterRender", id, _timeline, place);
            }

            // Each read hands out a fresh token: show it, so a reload or a copied address uses a live one.
            if (_module is not null && State.Token is { } token && token != _tokenInAddressBar)
            {
                _tokenInAddressBar = token;
                await _module.InvokeVoidAsync("showToken", token);
            }
        }
        catch (JSDisconnectedException)
        {
            // The browser left; DisposeAsync cleans up.
        }
        catch (JSException e)
        {
            // The page's script failed on this render: the viewer goes on (the next render tries again), and the log says why.
            Loggers.CreateLogger<SessionViewer>().LogError(e, "The viewer's script failed after a render of session {SessionId}", SessionId);
        }
    }

    /// <summary>Called by the page's script when the tab is shown or hidden.</summary>
    [JSInvokable]
    public void OnVisibilityChanged(bool visible) => _live?.SetVisible(visible);

    /// <summary>Called by the page's script when an end of the window comes near the screen; true when it moved.</summary>
    [JSInvokable]
    public async Task<bool> OnEdgeVisible(string edge) => _live is not null && edge switch
    {
        "older" => await _live.LoadOlderAsync(),
        "newer" => await _live.LoadNewerAsync(),
        _ => false,
    };

    /// <summary>Called by the page's script when the reader reaches the bottom of the page or leaves it.</summary>
    [JSInvokable]
    public void OnFollowingChanged(bool following) => _live?.SetFollowing(following);

    private void Retry() => _live?.RefreshNow();

    private async Task ShowOlderAsync() => await (_live?.LoadOlderAsync() ?? Task.FromResult(false));

    private async Task ShowNewerAsync() => await (_live?.LoadNewerAsync() ?? Task.FromResult(false));

    private Task JumpToStartAsync() => JumpAsync("start", live => live.JumpToStartAsync());

    private Task JumpToLatestAsync()
    {
        _live?.SetFollowing(true);
        return JumpAsync("end", live => live.JumpToLatestAsync());
    }

    private async Task JumpAsync(string place, Func<LiveSession, Task<bool>> move)
    {
        if (_live is null)
        {
            return;
        }

        _placeAfterRender = place;
        await move(_live);
        // Scroll even when the window was there already.
        _placeAfterRender = place;
        StateHasChanged();
    }

    private static string Count(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_live is not null)
        {
            await _live.DisposeAsync();
            // A scroll reported by the page after this finds nothing to move.
            _live = null;
        }

        if (_module is not null)
        {
            try
            {
                if (_observer is { } id)
                {
                    await _module.InvokeVoidAsync("disconnect", id);
                }

                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is already gone, and the page's listeners with it.
            }
        }

        _self?.Dispose();
    }

    /// <summary>What the page's script reports on connecting.</summary>
    internal sealed record BrowserFacts(int Id, bool Visible, string? TimeZone);
}
