using System.Diagnostics;
using System.Globalization;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// Reads the CPU time used so far by the server process (from /proc), by this driver process and, when
/// given, by a database server: its postmaster plus every child (backends, WAL writer, checkpointer),
/// including children that have exited (the postmaster's cutime/cstime).
/// </summary>
internal sealed class CpuClock(int serverPid, int? databasePid = null)
{
    // /proc/<pid>/stat counts in clock ticks, which are 1/100 s on Linux (USER_HZ).
    private const double TicksPerSecond = 100;

    public CpuUse Read()
    {
        using var self = Process.GetCurrentProcess();
        return new CpuUse(Seconds(Ticks(serverPid, withChildren: false)), self.TotalProcessorTime, databasePid is { } db ? Seconds(TreeTicks(db)) : TimeSpan.Zero);
    }

    public static CpuUse Between(CpuUse start, CpuUse end) => new(end.Server - start.Server, end.Driver - start.Driver, end.Database - start.Database);

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static long TreeTicks(int root)
    {
        var total = Ticks(root, withChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != root && Fields(pid) is { } fields
                && int.Parse(fields[1], CultureInfo.InvariantCulture) == root)
            {
                total += Ticks(fields, withChildren: false);
            }
        }

        return total;
    }

    private static long Ticks(int pid, bool withChildren) => Fields(pid) is { } fields ? Ticks(fields, withChildren) : 0;

    // Fields after the command name: state is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14].
    private static long Ticks(string[] fields, bool withChildren)
    {
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return withChildren ? ticks + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture) : ticks;
    }

    private static string[]? Fields(int pid)
    {
        try
        {
            // The command name is in parentheses and may hold spaces.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
