using System.Runtime.Versioning;

// The bench composes the system through the Linux-only AppHost and reads /proc.
[assembly: SupportedOSPlatform("linux")]
