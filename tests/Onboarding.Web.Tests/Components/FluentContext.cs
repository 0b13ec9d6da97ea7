using Microsoft.FluentUI.AspNetCore.Components;

namespace Onboarding.Web.Tests.Components;

/// <summary>A bUnit context with the Fluent UI services; their JavaScript is answered loosely.</summary>
public abstract class FluentContext : BunitContext
{
    static FluentContext()
    {
        // CI runs this project beside four others on two cores, where a read and a render can take longer than bUnit's
        // default second; a wait only lasts this long when its assertion is failing anyway.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }

    protected FluentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
    }
}
