namespace StripeCdc.AppHost.Kafka;

/// <summary>
/// The local stack's Kafka: librdkafka's mock cluster running in the StripeCdc.KafkaHost process. The mock brokers
/// pick their own ports when the process starts, but Aspire needs the connection string before that, so the process
/// also listens on an allocated bootstrap endpoint (<c>tcp</c>) that relays to a broker; the metadata clients get
/// there names every broker.
/// </summary>
public sealed class EmbeddedKafkaResource(string name, string workingDirectory)
    : ExecutableResource(name, "dotnet", workingDirectory), IResourceWithConnectionString
{
    public const string HttpEndpointName = "http";
    public const string BootstrapEndpointName = "tcp";

    /// <summary>Topics created at start (the mock cluster has no CreateTopics API).</summary>
    internal List<string> Topics { get; } = [];

    public EndpointReference Bootstrap => new(this, BootstrapEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Bootstrap.Property(EndpointProperty.HostAndPort)}");
}
