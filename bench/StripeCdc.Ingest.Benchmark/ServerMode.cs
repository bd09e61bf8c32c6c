using StripeCdc.Ingest.Hosting;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>The two servers under test, each run as its own process so its memory can be measured alone.</summary>
internal static class ServerMode
{
    public const string Bare = "serve-bare";
    public const string Ingest = "serve-ingest";

    private static readonly byte[] Received = """{"received":true}"""u8.ToArray();

    /// <summary>(a) The floor: Kestrel reading the whole body and answering 200, nothing else.</summary>
    public static async Task<int> RunBareAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/webhooks/stripe", async context =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync();
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Received);
        });
        app.MapGet("/alive", () => "ok");
        await app.RunAsync();
        return 0;
    }

    /// <summary>(b) The real ingest, configured through the environment by the driver.</summary>
    public static async Task<int> RunIngestAsync(string[] args)
    {
        var app = IngestApplication.Build(args);
        await app.RunAsync();
        return 0;
    }
}
