namespace StripeCdc.AppHost.Hosting;

/// <summary>
/// Kafka for the stack: the embedded mock cluster, or an existing cluster when
/// <see cref="ExternalConnectionString"/> is set (from <c>ConnectionStrings:kafka</c>).
/// </summary>
internal sealed class KafkaResource(string name) : IResourceWithConnectionString
{
    public string Name { get; } = name;

    public int Brokers { get; set; } = 3;

    public string? ExternalConnectionString { get; set; }

    /// <summary>Topics created at start (the mock cluster has no CreateTopics API).</summary>
    public List<string> Topics { get; } = [];

    public string? ConnectionString { get; internal set; }
}
