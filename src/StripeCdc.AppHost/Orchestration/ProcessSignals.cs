using System.Diagnostics;
using System.Runtime.InteropServices;

namespace StripeCdc.AppHost.Orchestration;

/// <summary>Asks a child process to stop the way Ctrl+C would (SIGTERM), so its host shuts down gracefully.</summary>
internal static partial class ProcessSignals
{
    private const int SigTerm = 15;

    public static void RequestStop(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return;
        }

        _ = Kill(process.Id, SigTerm);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable SYSLIB1054 // a blittable signature needs no generated marshalling
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
