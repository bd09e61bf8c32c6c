namespace StripeCdc.AppHost.Orchestration;

/// <summary>Resource states, named as the Aspire dashboard names them.</summary>
internal static class ResourceState
{
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string RuntimeUnhealthy = "RuntimeUnhealthy";
    public const string FailedToStart = "FailedToStart";
    public const string Exited = "Exited";
    public const string Stopping = "Stopping";
    public const string Finished = "Finished";
}
