using StripeCdc.EmbeddedKafka;
using StripeCdc.KafkaHost;
using StripeCdc.KafkaHost.Browsing;
using StripeCdc.ServiceDefaults;
using StripeCdc.Sinks.Kafka;

var builder = WebApplication.CreateBuilder(args);
var options = builder.Configuration.GetSection(EmbeddedKafkaOptions.SectionName).Get<EmbeddedKafkaOptions>() ?? new();

using var cluster = EmbeddedKafkaCluster.Start(options.Brokers);
foreach (var topic in options.TopicList)
{
    cluster.CreateTopic(topic, options.Partitions);
}

// The Kafka integration's health check, pointed at the address clients use, is this process's readiness: healthy
// once the brokers answer a metadata request.
builder.Configuration["ConnectionStrings:kafka"] = options.BootstrapPort is { } bootstrapPort ? $"127.0.0.1:{bootstrapPort}" : cluster.BootstrapServers;
builder.AddServiceDefaults();
if (options.HttpPort is { } port)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
}

builder.AddStripeCdcKafka();
builder.Services.AddSingleton(cluster);
builder.Services.Configure<EmbeddedKafkaOptions>(builder.Configuration.GetSection(EmbeddedKafkaOptions.SectionName));
builder.Services.AddHostedService<BootstrapForwarder>();
builder.Services.AddSingleton<TopicReader>();

var app = builder.Build();
app.Logger.LogInformation(
    "Embedded Kafka (librdkafka mock cluster): {Brokers} brokers at {BootstrapServers}, topics {Topics} with {Partitions} partitions each.",
    options.Brokers, cluster.BootstrapServers, string.Join(", ", options.TopicList), options.Partitions);
app.Logger.LogWarning("{Limit}", EmbeddedKafkaOptions.RetentionNotice);

app.MapDefaultEndpoints();
app.MapTopicBrowser();
await app.RunAsync();
