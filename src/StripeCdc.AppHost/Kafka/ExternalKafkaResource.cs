namespace StripeCdc.AppHost.Kafka;

/// <summary>
/// A Kafka cluster the AppHost does not run: the bootstrap servers an operator gives as the connection string
/// (<c>ConnectionStrings__kafka=host:9092,…</c>). Running once the connection string is known, healthy once a broker
/// answers a metadata request. The services create their own topics there (CreateTopics), so it takes no topic list.
/// </summary>
public sealed class ExternalKafkaResource(string name, string bootstrapServers) : Resource(name), IResourceWithConnectionString
{
    public string BootstrapServers { get; } = bootstrapServers;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{BootstrapServers}");
}
