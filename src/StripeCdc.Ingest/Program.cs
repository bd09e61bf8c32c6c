using StripeCdc.Ingest.Hosting;

var app = IngestApplication.Build(args);
await app.RunAsync();
