using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
var local = LocalData.From(builder);

// Postgres and Redis run from the machine's own packages; ConnectionStrings:onboardingdb or :redis names an external one instead.
var database = builder.Configuration.GetConnectionString("onboardingdb") is null
    ? builder.AddPostgresServer("postgres", local.Of("postgres"), local.PostgresPort, local.Durable).AddDatabase("onboardingdb")
    : builder.AddConnectionString("onboardingdb");
var redis = builder.Configuration.GetConnectionString("redis") is null
    ? builder.AddRedisServer("redis", local.Of("redis"), local.RedisPort, local.Durable)
    : builder.AddConnectionString("redis");

// Signs view tokens (Api) and seals the emailed claim links (Api and Worker): one key for every instance of both.
var signingKey = builder.AddParameter("signing-key", new SigningKey(), secret: true, persist: true);

var migrations = builder.AddProject<Projects.Onboarding_Worker>("migrations", options => options.ExcludeLaunchProfile = true)
    .WithArgs("migrate")
    .WithReference(database).WaitFor(database);

var api = builder.AddProject<Projects.Onboarding_Api>("api")
    .WithReference(database).WithReference(redis)
    .WithEnvironment("Tokens__SigningKey", signingKey)
    .WaitForCompletion(migrations).WaitFor(redis)
    .WithHttpHealthCheck("/health")
    .WithReplicas(Replicas("api"));

builder.AddProject<Projects.Onboarding_Worker>("worker")
    .WithReference(database).WithReference(redis)
    .WithEnvironment("Tokens__SigningKey", signingKey)
    .WaitForCompletion(migrations).WaitFor(redis)
    .WithHttpHealthCheck("/health")
    .WithReplicas(Replicas("worker"));

var web = builder.AddProject<Projects.Onboarding_Web>("web")
    .WithReference(api).WithReference(redis)
    .WithAspireDashboardUrl()
    .WaitFor(api)
    .WithHttpHealthCheck("/health")
    .WithReplicas(Replicas("web"));

// Links in view_url and claim emails are built from this, never from a request's Host header.
api.WithEnvironment("Onboarding__PublicWebUrl", web.GetEndpoint("http"));

// Ctrl+C stops the services before the stores they write to (the orchestrator alone stops everything at once).
builder.Services.AddHostedService<StopDependentsFirst>();

builder.Build().Run();

int Replicas(string service) => builder.Configuration.GetValue($"Replicas:{service}", 1);
