namespace StripeCdc.AppHost.Orchestration;

/// <summary>What the dashboard and tests see of a resource at one moment.</summary>
internal sealed record ResourceSnapshot(
    string Name,
    string Type,
    string State,
    int? Pid,
    IReadOnlyList<string> Endpoints,
    int Restarts,
    bool Healthy,
    int? ExitCode,
    DateTimeOffset? StartedAt);
