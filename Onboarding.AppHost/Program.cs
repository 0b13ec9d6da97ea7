using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Onboarding.AppHost.Hosting;

// The local launcher: `dotnet run --project Onboarding.AppHost [-- --workers 3 --api-port 5081 ...]`.
var options = new ConfigurationBuilder()
    .AddEnvironmentVariables("ONBOARDING_")
    .AddCommandLine(args, AppHostOptions.Switches)
    .Build()
    .Get<AppHostOptions>() ?? new AppHostOptions();

var console = new ConsoleLog();
using var shutdown = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

var app = new DistributedApplication(options, console.Write);
var exitCode = 0;
try
{
    await app.StartAsync(shutdown.Token);
    Console.WriteLine();
    Console.WriteLine(app.Describe());
    console.Write("apphost", "Running. Press Ctrl+C to stop everything.");
    await Task.Delay(Timeout.Infinite, shutdown.Token);
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
    // Ctrl+C or a termination signal.
}
catch (InvalidOperationException e)
{
    console.Write("apphost", "Could not start: " + e.Message);
    exitCode = 1;
}
finally
{
    console.Write("apphost", "Stopping: web, workers, api, redis, postgres...");
    await app.StopAsync();
    console.Write("apphost", "Stopped.");
}

return exitCode;

void Stop(PosixSignalContext context)
{
    // Handle it ourselves: stop in order instead of the runtime's immediate exit.
    context.Cancel = true;
    shutdown.Cancel();
}
