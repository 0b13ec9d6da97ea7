using System.Runtime.Versioning;

// The launcher drives Debian's Postgres and Redis with POSIX users, signals and file modes.
[assembly: SupportedOSPlatform("linux")]
