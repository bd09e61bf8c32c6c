namespace StripeCdc.Snapshot.Progress;

public enum JobState
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}
