using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StripeCdc.AppHost.Hosting;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.AppHost.Orchestration;

/// <summary>
/// Starts the stack's resources in dependency order (a project waits for what it <c>WaitFor</c>s to be
/// healthy), keeps them running and stops them all when the AppHost stops.
/// </summary>
internal sealed partial class Orchestrator : IHostedService, IDisposable
{
    private readonly IReadOnlyList<IResource> _resources;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLogStore _logs;
    private readonly DistributedApplicationOptions _options;
    private readonly ILogger<Orchestrator> _logger;
    private readonly HttpClient _health = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, ProjectRunner> _runners = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Task> _running = [];
    private readonly List<EmbeddedKafkaCluster> _clusters = [];

    public Orchestrator(
        IReadOnlyList<IResource> resources,
        ResourceNotificationService notifications,
        ResourceLogStore logs,
        DistributedApplicationOptions options,
        ILogger<Orchestrator> logger)
    {
        _resources = resources;
        _notifications = notifications;
        _logs = logs;
        _options = options;
        _logger = logger;
    }

    /// <summary>The OTLP/HTTP endpoint projects export to; set by the dashboard once it listens.</summary>
    public string OtlpEndpoint { get; set; } = "";

    public string EnvironmentName { get; set; } = "Development";

    /// <summary>Presented by the dashboard to the services' admin APIs; new for every run.</summary>
    public string AdminToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public IReadOnlyDictionary<string, ProjectRunner> Projects => _runners;

    public IEnumerable<EmbeddedKafkaCluster> EmbeddedClusters => _clusters;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var kafka in _resources.OfType<KafkaResource>())
        {
            StartKafka(kafka);
        }

        foreach (var project in _resources.OfType<ProjectResource>())
        {
            var runner = new ProjectRunner(project, port => EnvironmentFor(project, port), _notifications, _logs, _health, _options, _logger);
            runner.Reserve();
            _runners[project.Name] = runner;
        }

        foreach (var (name, runner) in _runners)
        {
            var project = (ProjectResource)_resources.First(r => r.Name == name);
            _running.Add(Task.Run(() => runner.RunAsync(ct => WaitForDependenciesAsync(project, ct), _stopping.Token), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var cluster in _clusters)
        {
            cluster.Dispose();
        }

        foreach (var kafka in _resources.OfType<KafkaResource>())
        {
            _notifications.Update(kafka.Name, s => s with { State = ResourceState.Finished, Healthy = false });
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _health.Dispose();
    }

    private void StartKafka(KafkaResource kafka)
    {
        if (kafka.ExternalConnectionString is { Length: > 0 } external)
        {
            kafka.ConnectionString = external;
            _notifications.Publish(new ResourceSnapshot(kafka.Name, "Kafka", ResourceState.Running, null, [external], 0, true, null, DateTimeOffset.UtcNow));
            return;
        }

        var cluster = EmbeddedKafkaCluster.Start(kafka.Brokers);
        _clusters.Add(cluster);
        foreach (var topic in kafka.Topics)
        {
            cluster.CreateTopic(topic, partitions: 3);
        }

        kafka.ConnectionString = cluster.BootstrapServers;
        _notifications.Publish(new ResourceSnapshot(
            kafka.Name,
            "Kafka (embedded)",
            ResourceState.Running,
            Environment.ProcessId,
            cluster.BootstrapServers.Split(','),
            0,
            true,
            null,
            DateTimeOffset.UtcNow));
        _logs.Append(kafka.Name, $"Embedded Kafka: {kafka.Brokers} brokers at {cluster.BootstrapServers}", isError: false);
    }

    private async Task WaitForDependenciesAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        foreach (var dependency in project.WaitsFor)
        {
            await _notifications.WaitForResourceHealthyAsync(dependency.Name, cancellationToken);
        }
    }

    private Dictionary<string, string> EnvironmentFor(ProjectResource project, int port)
    {
        var urls = _runners.ToDictionary(r => r.Key, r => r.Value.Url, StringComparer.OrdinalIgnoreCase);
        return ProjectLaunch.Environment(project, port, OtlpEndpoint, urls, EnvironmentName, AdminToken);
    }
}
