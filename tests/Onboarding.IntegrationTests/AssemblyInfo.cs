using System.Runtime.Versioning;

// The tests start Debian's Postgres and Redis through the Linux-only AppHost.
[assembly: SupportedOSPlatform("linux")]
