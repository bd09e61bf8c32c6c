namespace StripeCdc.AppHost.Kafka;

/// <summary>
/// The local stack's Kafka: librdkafka's mock cluster running in the StripeCdc.KafkaHost process. The mock brokers
/// pick their own ports when the process starts, but Aspire needs the connection string before that, so the process
/// also listens on an allocated bootstrap endpoint (<c>tcp</c>) that relays to a broker; the metadata clients get
/// there names every broker. The mock cluster has no CreateTopics API: the process creates <see cref="Topics"/> at start.
/// </summary>
public sealed class EmbeddedKafkaResource(string name, string workingDirectory)
    : ExecutableResource(name, "dotnet", workingDirectory), IResourceWithConnectionString
{
    public const string HttpEndpointName = "http";
    public const string BootstrapEndpointName = "tcp";

    /// <summary>What an operator must know about the embedded cluster; shown in the resource's properties.</summary>
    public const string RetentionNotice =
        "In memory; keeps at most 5 MB or 100,000 message sets per partition and drops older records silently.";

    private readonly SortedSet<string> _topics = new(StringComparer.Ordinal);

    /// <summary>The topics the process creates at start.</summary>
    public IReadOnlyCollection<string> Topics => _topics;

    public EndpointReference Bootstrap => new(this, BootstrapEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Bootstrap.Property(EndpointProperty.HostAndPort)}");

    internal void AddTopics(IEnumerable<string> topics) => _topics.UnionWith(topics);
}
