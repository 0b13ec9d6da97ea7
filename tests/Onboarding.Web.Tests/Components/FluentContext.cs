using Microsoft.FluentUI.AspNetCore.Components;

namespace Onboarding.Web.Tests.Components;

/// <summary>A bUnit context with the Fluent UI services; their JavaScript is answered loosely.</summary>
public abstract class FluentContext : BunitContext
{
    protected FluentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
    }
}
