using StripeCdc.AppHost;
using StripeCdc.AppHost.Commands;
using StripeCdc.AppHost.Kafka;
using StripeCdc.AppHost.Postgres;
using StripeCdc.AppHost.Services;

var builder = DistributedApplication.CreateBuilder(args);

var secrets = LocalSecrets.Create(builder);

// ConnectionStrings__kafka names a cluster of the operator's (the services create their topics there); otherwise the
// embedded cluster runs, with the topics the services' options name by default (it has no CreateTopics API).
IResourceBuilder<IResourceWithConnectionString> kafka = builder.HasConnectionString("kafka")
    ? builder.AddExternalKafka("kafka")
    : builder.AddEmbeddedKafka("kafka").WithTopics(StackTopics.Defaults());

// StripeCdc__Sink=Postgres: the services write state tables to a PostgreSQL server, the one ConnectionStrings__postgres
// names or a local one; otherwise everything goes to Kafka.
IResourceBuilder<IResourceWithConnectionString>? postgres = null;
if (builder.UsesPostgresSink())
{
    postgres = builder.HasConnectionString("postgres")
        ? builder.AddExternalPostgres("postgres")
        : builder.AddPostgresServer("postgres");
}

var ingest = builder.AddProject<Projects.StripeCdc_Ingest>("ingest", launchProfileName: null)
    .WithHttpEndpoint(port: 5080)
    .WithReference(kafka)
    .WaitFor(kafka)
    .WithPostgresSink(postgres)
    .WithHttpHealthCheck("/health")
    .WithStripeCdcService(secrets)
    .WithWebhookApiKey(secrets)
    .WithDeadLetterReplayCommand(secrets)
    .WithModuleSwitchCommand(secrets);

builder.AddProject<Projects.StripeCdc_Snapshot>("snapshot", launchProfileName: null)
    .WithHttpEndpoint(port: 5090)
    .WithReference(kafka)
    .WithReference(ingest)
    .WaitFor(kafka)
    .WithPostgresSink(postgres)
    .WithHttpHealthCheck("/health")
    .WithStripeCdcService(secrets)
    .WithSnapshotCommand(secrets)
    .WithSnapshotProgressCommand(secrets)
    .WithReconciliationCommand(secrets);

StartupBanner.PrintWhenReady(builder, ingest, kafka, postgres, secrets);

builder.Build().Run();
