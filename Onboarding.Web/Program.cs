using Onboarding.Web.Components;
using Onboarding.Web.Dashboard;
using Onboarding.Web.Extensions;
using Onboarding.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseCapabilityPageHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapDashboardSignIn();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
