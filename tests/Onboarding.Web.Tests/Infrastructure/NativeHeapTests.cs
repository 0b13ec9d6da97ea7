using System.Runtime.InteropServices;
using Onboarding.Web.Infrastructure;

namespace Onboarding.Web.Tests.Infrastructure;

/// <summary>What native code freed goes back to the machine when the Web trims its native heap.</summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void FreedNativeMemoryThatMallocKeptIsGivenBack()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "malloc_trim is glibc's");
        // 96 MiB in 16 KiB blocks (AllocHGlobal is malloc here), every page touched; then all but one block in 32 freed. Malloc cannot shrink its heap
        // past the blocks still held, so the freed pages stay resident until they are trimmed.
        const int blocks = 6_144;
        const int size = 16 * 1024;
        var held = new List<nint>();
        var all = new nint[blocks];
        for (var i = 0; i < blocks; i++)
        {
            all[i] = Marshal.AllocHGlobal(size);
            for (var page = 0; page < size; page += 4096)
            {
                Marshal.WriteByte(all[i], page, 1);
            }
        }

        for (var i = 0; i < blocks; i++)
        {
            if (i % 32 == 0)
            {
                held.Add(all[i]);
            }
            else
            {
                Marshal.FreeHGlobal(all[i]);
            }
        }

        try
        {
            var before = Environment.WorkingSet;
            Assert.True(NativeHeap.Trim());
            var released = (before - Environment.WorkingSet) >> 20;
            Assert.True(released >= 48, $"{released} MiB given back");
        }
        finally
        {
            held.ForEach(Marshal.FreeHGlobal);
        }
    }
}
