using Confluent.Kafka;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// The honest floor for the ingest: a minimal durable relay on the same brokers. It reads the body, makes
/// one idempotent <c>acks=all</c> produce of it, awaits the acknowledgement and answers 200 — the least a
/// webhook receiver can do and still mean "durably in Kafka" by its 2xx.
/// </summary>
internal static class RelayServer
{
    public const string Mode = "serve-relay";
    public const string Topic = "relay";

    private static readonly byte[] Received = """{"received":true}"""u8.ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var config = new ProducerConfig
        {
            BootstrapServers = builder.Configuration.GetConnectionString("kafka")
                ?? throw new InvalidOperationException("ConnectionStrings:kafka must name the brokers."),
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5, // the ingest's producer default, so both batch alike
        };
        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var app = builder.Build();
        app.MapPost("/webhooks/stripe", async context =>
        {
            var body = new byte[context.Request.ContentLength ?? 0];
            await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted);
            await producer.ProduceAsync(Topic, new Message<Null, byte[]> { Value = body }, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Received, context.RequestAborted);
        });
        app.MapGet("/alive", () => "ok");
        await app.RunAsync();
        return 0;
    }
}
