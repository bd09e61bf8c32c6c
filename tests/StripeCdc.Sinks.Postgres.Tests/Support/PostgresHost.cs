using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests.Support;

/// <summary>A host with the pipeline and <c>StripeCdc:Sink=Postgres</c>, started as a service starts it (schema migrated).</summary>
internal sealed class PostgresHost : IAsyncDisposable
{
    private readonly IHost _host;

    private PostgresHost(IHost host, string connectionString)
    {
        _host = host;
        ConnectionString = connectionString;
        Pipeline = host.Services.GetRequiredService<RecordPipeline>();
        Sources = host.Services.GetRequiredService<SourceCatalog>();
    }

    public string ConnectionString { get; }

    public RecordPipeline Pipeline { get; }

    public SourceCatalog Sources { get; }

    public IServiceProvider Services => _host.Services;

    public static Task<PostgresHost> StartAsync(string connectionString, params (string Key, string? Value)[] settings) =>
        StartAsync(connectionString, configure: null, settings);

    /// <summary>Starts a host whose services <paramref name="configure"/> may replace (registered last, so they win).</summary>
    public static async Task<PostgresHost> StartAsync(string connectionString, Action<IServiceCollection>? configure, params (string Key, string? Value)[] settings)
    {
        var configuration = PipelineHarness.Source(settings: settings);
        configuration["StripeCdc:Sink"] = "Postgres";
        configuration["ConnectionStrings:postgres"] = connectionString;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSinkDefinition(new PostgresSinkDefinition());
        builder.Services.AddStripeCdcPipeline(builder.Configuration);
        builder.Services.AddStripeCdcSink(builder.Configuration);
        builder.Services.AddStripeCdcEventLedger(builder.Configuration);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new PostgresHost(host, connectionString);
    }

    public async Task<RecordContext> ProcessAsync(string body, RecordKind kind = RecordKind.Change, string? signature = null, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        var context = new RecordContext(Sources.Get("default"), Encoding.UTF8.GetBytes(body), signature, DateTimeOffset.UtcNow, kind)
        {
            CancellationToken = timeout.Token,
        };
        await Pipeline.ProcessAsync(context);
        return context;
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        var rows = await QueryAsync(sql);
        return rows.Count == 0 || rows[0][0] is null ? default : (T)rows[0][0]!;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
