using System.Diagnostics;
using System.Globalization;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>Reads the CPU time used so far by the server process (from /proc) and by this driver process.</summary>
internal sealed class CpuClock(int serverPid)
{
    // /proc/<pid>/stat counts in clock ticks, which are 1/100 s on Linux (USER_HZ).
    private const double TicksPerSecond = 100;

    public CpuUse Read()
    {
        using var self = Process.GetCurrentProcess();
        return new CpuUse(ServerTime(), self.TotalProcessorTime);
    }

    public static CpuUse Between(CpuUse start, CpuUse end) => new(end.Server - start.Server, end.Driver - start.Driver);

    private TimeSpan ServerTime()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{serverPid}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }
}
