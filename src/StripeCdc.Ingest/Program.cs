using StripeCdc.Ingest.Hosting;
using StripeCdc.Sinks.Kafka;

var app = IngestApplication.Build(args);
try
{
    await app.RunAsync();
    return 0;
}
catch (KafkaTopicException ex)
{
    // A missing topic is a deployment error, not a crash: one clear line and exit code 1.
    await Console.Error.WriteLineAsync($"StripeCdc ingest cannot start: {ex.Message}");
    return 1;
}
