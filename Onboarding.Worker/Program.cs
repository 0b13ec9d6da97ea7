using Onboarding.Worker.Extensions;
using Onboarding.Worker.Migrating;

// `migrate`: apply the database migrations, then exit (the AppHost runs this once, before every other service).
if (args is [DatabaseMigrator.Command, ..])
{
    var migrator = Host.CreateApplicationBuilder(args);
    migrator.AddServiceDefaults();
    migrator.AddDatabaseMigrator();
    await migrator.Build().RunAsync();
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
