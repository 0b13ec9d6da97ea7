using Onboarding.Api.Apis;
using Onboarding.Api.Extensions;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Mcp;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddOnboardingMcp();

var app = builder.Build();

app.UseOnboardingErrors();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapScalarApiReference(options => options.WithTitle("Onboarding API"));

app.MapSessionsApi();
app.MapClaimsApi();
app.MapAccountApi();
app.MapWorkspaceApi();
app.MapInterviewApi();
app.MapOnboardingMcp();

app.Run();
