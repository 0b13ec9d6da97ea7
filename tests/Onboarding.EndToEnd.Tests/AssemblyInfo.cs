using System.Runtime.Versioning;

// The tests compose the system through the Linux-only AppHost.
[assembly: SupportedOSPlatform("linux")]
