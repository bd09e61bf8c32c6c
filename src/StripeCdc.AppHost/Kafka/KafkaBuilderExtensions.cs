using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StripeCdc.AppHost.Services;

namespace StripeCdc.AppHost.Kafka;

internal static class KafkaBuilderExtensions
{
    /// <summary>
    /// Starts the embedded Kafka (librdkafka's mock cluster) in a process of its own: Running once started, healthy
    /// once its brokers answer a metadata request at the bootstrap address the services get.
    /// </summary>
    public static IResourceBuilder<EmbeddedKafkaResource> AddEmbeddedKafka(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var project = new Projects.StripeCdc_KafkaHost();
        var resource = new EmbeddedKafkaResource(name, Path.GetDirectoryName(project.ProjectPath)!);
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, (ready, _) =>
            ready.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(resource, snapshot => snapshot with
            {
                Properties = [.. snapshot.Properties, new("kafka.retention", EmbeddedKafkaResource.RetentionNotice), new("kafka.topics", string.Join(", ", resource.Topics))],
            }));

        return builder.AddResource(resource)
            .WithArgs(BuildOutput.AssemblyPath(project.ProjectPath))
            .WithHttpEndpoint(name: EmbeddedKafkaResource.HttpEndpointName, env: KnownEnvironmentVariableNames.KafkaHttpPort)
            .WithEndpoint(name: EmbeddedKafkaResource.BootstrapEndpointName, scheme: "tcp", env: KnownEnvironmentVariableNames.KafkaBootstrapPort)
            .WithEnvironment(context => context.EnvironmentVariables[KnownEnvironmentVariableNames.KafkaTopics] = string.Join(',', resource.Topics))
            .WithOtlpExporter()
            .WithKafkaClusterHealthCheck()
            .WithUrlForEndpoint(EmbeddedKafkaResource.HttpEndpointName, url => url.DisplayText = "Topics and DLQ (read-only)");
    }

    /// <summary>Topics the embedded cluster creates when it starts (it has no CreateTopics API).</summary>
    public static IResourceBuilder<EmbeddedKafkaResource> WithTopics(this IResourceBuilder<EmbeddedKafkaResource> builder, IEnumerable<string> topics)
    {
        builder.Resource.AddTopics(topics);
        return builder;
    }

    /// <summary>
    /// A Kafka cluster of the operator's, named by the connection string <paramref name="name"/>
    /// (<c>ConnectionStrings__kafka=host:9092,…</c>). Nothing is started: the resource is Running once the AppHost
    /// starts and healthy once a broker answers. The services create their topics there themselves.
    /// </summary>
    public static IResourceBuilder<ExternalKafkaResource> AddExternalKafka(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var bootstrap = builder.ConnectionString(name)
            ?? throw new DistributedApplicationException($"An external Kafka needs its bootstrap servers: set ConnectionStrings__{name}=host:9092,…");
        var resource = new ExternalKafkaResource(name, bootstrap);
        builder.Eventing.Subscribe<InitializeResourceEvent>(resource, async (initialize, cancellationToken) =>
        {
            await initialize.Eventing.PublishAsync(new BeforeResourceStartedEvent(resource, initialize.Services), cancellationToken);
            await initialize.Notifications.PublishUpdateAsync(resource, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                Properties = [.. snapshot.Properties, new(CustomResourceKnownProperties.Source, resource.BootstrapServers)],
            });
            await initialize.Eventing.PublishAsync(new ConnectionStringAvailableEvent(resource, initialize.Services), cancellationToken);
        });

        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Kafka",
                State = KnownResourceStates.NotStarted,
                Properties = [],
            })
            .WithKafkaClusterHealthCheck()
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<T> WithKafkaClusterHealthCheck<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}_check";
        var cluster = builder.Resource;
        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new KafkaClusterHealthCheck(cluster), failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }
}
