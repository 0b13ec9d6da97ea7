using System.Runtime.Versioning;

// The tests compose the system through the Linux-only AppHost.
[assembly: SupportedOSPlatform("linux")]

// Every test injects faults into the one shared system: they run one at a time.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
[assembly: AssemblyFixture(typeof(Onboarding.Reliability.Tests.Infrastructure.ScaledSystem))]
