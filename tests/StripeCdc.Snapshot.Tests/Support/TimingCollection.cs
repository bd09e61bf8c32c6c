namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>
/// Tests that read wall-clock spacing (the request budget): they run alone, after the parallel ones, so
/// child processes and snapshots of other tests do not starve their thread pool and bunch their timestamps.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
