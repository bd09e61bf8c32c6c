using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.KafkaHost;

/// <summary>
/// Gives the cluster a bootstrap address known before it starts (<c>Kafka:BootstrapPort</c>, allocated by the
/// AppHost, which must publish the connection string before the process runs): connections to it are relayed to
/// the first broker. Clients only bootstrap through it; the metadata they receive names the brokers' own ports.
/// </summary>
internal sealed partial class BootstrapForwarder(EmbeddedKafkaCluster cluster, IOptions<EmbeddedKafkaOptions> options, ILogger<BootstrapForwarder> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.BootstrapPort is not { } port)
        {
            return;
        }

        var broker = cluster.BootstrapServers.Split(',')[0].Split(':');
        var target = new IPEndPoint(IPAddress.Parse(broker[0]), int.Parse(broker[1], System.Globalization.CultureInfo.InvariantCulture));
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        LogListening(port, target.ToString());
        while (!stoppingToken.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stoppingToken);
            _ = RelayAsync(client, target, stoppingToken);
        }
    }

    private async Task RelayAsync(TcpClient client, IPEndPoint target, CancellationToken stoppingToken)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(target, stoppingToken);
                var a = client.GetStream();
                var b = upstream.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, stoppingToken), b.CopyToAsync(a, stoppingToken));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                LogRelayEnded(ex.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Bootstrap address 127.0.0.1:{Port} relays to broker {Broker}.")]
    private partial void LogListening(int port, string broker);

    [LoggerMessage(LogLevel.Debug, "A bootstrap connection ended: {Reason}")]
    private partial void LogRelayEnded(string reason);
}
