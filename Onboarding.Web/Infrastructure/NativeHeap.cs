using System.Runtime.InteropServices;

namespace Onboarding.Web.Infrastructure;

/// <summary>
/// glibc's malloc keeps what native code freed in its per-thread arenas rather than giving it back, so a Web that served
/// fifty viewers stays that size after they leave (docs/reliability.md, long sessions). <c>malloc_trim</c> returns the
/// free pages of every arena. Without glibc (musl, macOS, Windows) there is nothing to call, and nothing happens.
/// </summary>
internal static class NativeHeap
{
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Gives the native heap's free pages back to the machine; true when some were.</summary>
    public static bool Trim()
    {
        if (s_unavailable)
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
