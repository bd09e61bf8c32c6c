using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.AppHost.Services;

namespace StripeCdc.AppHost.Kafka;

internal static class KafkaBuilderExtensions
{
    /// <summary>What an operator must know about the embedded cluster; shown in the resource's properties.</summary>
    public const string RetentionNotice =
        "In memory; keeps at most 5 MB or 100,000 message sets per partition and drops older records silently.";

    /// <summary>
    /// Kafka for the stack: the cluster named by the connection string <paramref name="name"/> when the AppHost is
    /// given one (<c>ConnectionStrings__kafka=host:9092,…</c>), otherwise the embedded mock cluster in a process of
    /// its own, Running once started and healthy once its brokers answer a metadata request.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddKafka(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 })
        {
            return builder.AddConnectionString(name);
        }

        var project = new Projects.StripeCdc_KafkaHost();
        var resource = new EmbeddedKafkaResource(name, Path.GetDirectoryName(project.ProjectPath)!);
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, (ready, _) =>
            ready.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(resource, snapshot => snapshot with
            {
                Properties = [.. snapshot.Properties, new("kafka.retention", RetentionNotice)],
            }));

        return builder.AddResource(resource)
            .WithArgs(BuildOutput.AssemblyPath(project.ProjectPath))
            .WithHttpEndpoint(name: EmbeddedKafkaResource.HttpEndpointName, env: "Kafka__HttpPort")
            .WithEndpoint(name: EmbeddedKafkaResource.BootstrapEndpointName, scheme: "tcp", env: "Kafka__BootstrapPort")
            .WithEnvironment(context => context.EnvironmentVariables["Kafka__Topics"] = string.Join(',', resource.Topics))
            .WithOtlpExporter()
            .WithHttpHealthCheck("/health")
            .WithUrlForEndpoint(EmbeddedKafkaResource.HttpEndpointName, url => url.DisplayText = "Topics and DLQ (read-only)");
    }

    /// <summary>Topics the embedded cluster creates at start. An external cluster is left as it is.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> WithTopics(this IResourceBuilder<IResourceWithConnectionString> builder, params string[] topics)
    {
        if (builder.Resource is EmbeddedKafkaResource embedded)
        {
            embedded.Topics.AddRange(topics);
        }

        return builder;
    }
}
