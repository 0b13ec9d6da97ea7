using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Onboarding.Web.Components.Dashboard;
using Onboarding.Web.Infrastructure;
using Onboarding.Web.Tests.Components;

namespace Onboarding.Web.Tests.Dashboard;

/// <summary>A run's trace id links to the Aspire dashboard only when the AppHost has said where that is.</summary>
public sealed class TraceLinkTests : FluentContext
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public void WithTheDashboardsAddressTheTraceIdOpensItsTraceThere()
    {
        Services.AddSingleton(Options.Create(new AspireDashboardOptions { Url = "http://127.0.0.1:18888;http://[::1]:18888" }));

        var link = Render<TraceLink>(p => p.Add(t => t.TraceId, TraceId)).Find("a.trace-id");

        Assert.Equal($"http://127.0.0.1:18888/traces/detail/{TraceId}", link.GetAttribute("href"));
        Assert.Equal("noopener noreferrer", link.GetAttribute("rel"));
        Assert.Equal(TraceId, link.TextContent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("javascript:alert(1)")]
    public void WithoutAUsableAddressTheTraceIdIsText(string? url)
    {
        Services.AddSingleton(Options.Create(new AspireDashboardOptions { Url = url }));

        var trace = Render<TraceLink>(p => p.Add(t => t.TraceId, TraceId));

        Assert.Empty(trace.FindAll("a"));
        Assert.Equal(TraceId, trace.Find(".trace-id").TextContent);
    }

    [Fact]
    public void ARunWithoutATraceShowsADash()
    {
        Services.AddSingleton(Options.Create(new AspireDashboardOptions { Url = "http://127.0.0.1:18888" }));

        var trace = Render<TraceLink>(p => p.Add(t => t.TraceId, null));

        Assert.Empty(trace.FindAll("a"));
        Assert.Equal("—", trace.Find(".trace-id").TextContent);
    }
}
