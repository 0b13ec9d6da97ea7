using System.Runtime.Versioning;

// The local resources are Debian's Postgres and Redis, driven with POSIX users and file modes.
[assembly: SupportedOSPlatform("linux")]
