using System.Net;
using System.Text;
using Npgsql;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>
/// <c>StripeCdc__Sink=Postgres</c> in the AppHost: a <c>postgres</c> resource running Debian's server, healthy once it
/// answers, whose connection string the services get; state tables a SQL user can query; no server left behind.
/// </summary>
public sealed class PostgresStackTests : IClassFixture<LifecycleTests.Kafka>
{
    private const string ApiKey = "postgres-stack-key";
    private const string SigningSecret = "whsec_postgres_stack_5c1e";
    private readonly LifecycleTests.Kafka _kafka;

    public PostgresStackTests(LifecycleTests.Kafka kafka) => _kafka = kafka;

    [Fact]
    public async Task With_Sink_Postgres_the_stack_runs_a_postgres_resource_a_signed_webhook_lands_as_a_row_and_stopping_leaves_no_server()
    {
        using var timeout = new CancellationTokenSource(StackFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>(
            [$"ConnectionStrings:kafka={_kafka.BootstrapServers}", $"StripeCdc:Sources:default:ApiKey={ApiKey}", "StripeCdc:Sink=Postgres"],
            timeout.Token);
        builder.CreateResourceBuilder<ProjectResource>("ingest").WithEnvironment("StripeCdc__Sources__default__SigningSecrets", SigningSecret);
        var app = await builder.BuildAsync(timeout.Token);
        ServerProcesses server;
        string dataFolder;
        try
        {
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("postgres", timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("ingest", timeout.Token);
            var connectionString = await app.GetConnectionStringAsync("postgres", timeout.Token);
            Assert.StartsWith("Host=127.0.0.1;Port=", connectionString, StringComparison.Ordinal);

            using var ingest = app.CreateHttpClient("ingest");
            var body = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_pgstack", "pgstack@example.com"), id: "evt_pgstack");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/stripe?api_key={ApiKey}")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Stripe-Signature", global::Stripe.EventUtility.GenerateSignatureHeader(body, SigningSecret));
            using var response = await ingest.SendAsync(request, timeout.Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            var emails = new List<string?>();
            await using (var query = new NpgsqlCommand("select data->>'email' from stripe.customer where not deleted", connection))
            await using (var reader = await query.ExecuteReaderAsync(timeout.Token))
            {
                while (await reader.ReadAsync(timeout.Token))
                {
                    emails.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
                }
            }

            Assert.Equal("pgstack@example.com", Assert.Single(emails));
            await using (var show = new NpgsqlCommand("show data_directory", connection))
            {
                var dataDirectory = (string)(await show.ExecuteScalarAsync(timeout.Token))!;
                dataFolder = Path.GetDirectoryName(dataDirectory)!;
                server = ServerProcesses.Of(dataDirectory);
            }
        }
        finally
        {
            await app.DisposeAsync();
        }

        // The AppHost's stop reaches the server: the postmaster and every backend exit, and the temp cluster is removed.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (server.Alive().Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Empty(server.Alive());
        Assert.False(Directory.Exists(dataFolder), $"{dataFolder} is left behind.");
    }

    [Fact]
    public async Task The_postgres_resource_exists_only_with_Sink_Postgres_and_an_external_connection_string_starts_no_server()
    {
        await using var kafkaOnly = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>([]);
        await using var external = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>(
            ["StripeCdc:Sink=Postgres", "ConnectionStrings:postgres=Host=db.example.com;Username=stripecdc"]);

        Assert.DoesNotContain(kafkaOnly.Resources, r => r.Name == "postgres");
        Assert.DoesNotContain(kafkaOnly.Resources.OfType<ProjectResource>().Single(r => r.Name == "ingest").Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "postgres");
        var postgres = Assert.Single(external.Resources, r => r.Name == "postgres");
        Assert.IsNotType<Postgres.PostgresServerResource>(postgres);
        Assert.DoesNotContain(external.Resources.OfType<ExecutableResource>(), r => r.Name == "postgres");
        foreach (var service in new[] { "ingest", "snapshot" })
        {
            Assert.Contains(external.Resources.Single(r => r.Name == service).Annotations.OfType<WaitAnnotation>(), w => w.Resource == postgres);
        }
    }

    [Fact]
    public async Task Without_a_server_binary_the_apphost_fails_with_one_line_naming_the_package_and_the_connection_string()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-postgres-" + Guid.NewGuid().ToString("N"));

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>(
            ["StripeCdc:Sink=Postgres", $"StripeCdc:Postgres:BinDirectory={missing}"]));

        var message = Assert.Single(Chain(failure), e => e is DistributedApplicationException).Message;
        Assert.DoesNotContain('\n', message);
        Assert.Contains("apt-get install postgresql", message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__postgres", message, StringComparison.Ordinal);

        static IEnumerable<Exception> Chain(Exception e)
        {
            for (Exception? current = e; current is not null; current = current.InnerException)
            {
                yield return current;
            }
        }
    }

    /// <summary>The postmaster (from <c>postmaster.pid</c>) and its children, read from /proc while it runs.</summary>
    private sealed record ServerProcesses(IReadOnlyList<int> Pids)
    {
        public static ServerProcesses Of(string dataDirectory)
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
            var children = Directory.GetDirectories("/proc")
                .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
                .Where(pid => pid > 0 && ParentOf(pid) == postmaster);
            return new ServerProcesses([postmaster, .. children]);
        }

        /// <summary>The pids still running a postgres program.</summary>
        public IReadOnlyList<int> Alive() => [.. Pids.Where(pid => Read($"/proc/{pid}/cmdline")?.Contains("postgres", StringComparison.Ordinal) == true)];

        private static int ParentOf(int pid) =>
            Read($"/proc/{pid}/stat") is { } stat && stat[(stat.LastIndexOf(')') + 2)..].Split(' ') is [_, var ppid, ..]
                ? int.Parse(ppid, System.Globalization.CultureInfo.InvariantCulture)
                : 0;

        private static string? Read(string file)
        {
            try
            {
                return File.ReadAllText(file);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
