using System.Text.Json;
using System.Text.Json.Nodes;
using StripeCdc.Configuration;

namespace StripeCdc.Snapshot.Webhooks;

/// <summary>
/// Keeps the signing secrets of the endpoints StripeCdc registered in the local secrets file (see
/// <see cref="SecretsFileConfigurationExtensions"/>): <c>StripeCdc:Sources:&lt;source&gt;:SigningSecrets</c>
/// as one comma-separated value (every registered endpoint's secret, so rolling keeps the old one valid),
/// and which endpoint owns which secret under <c>StripeCdcWebhookEndpoints</c>. The file is readable by
/// its owner only.
/// </summary>
internal sealed class SigningSecretStore(string path)
{
    private const string EndpointsSection = "StripeCdcWebhookEndpoints";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Path { get; } = path;

    public IReadOnlyDictionary<string, string> Endpoints(string source)
    {
        var root = Load();
        return root[EndpointsSection]?[source] is JsonObject endpoints
            ? endpoints.ToDictionary(e => e.Key, e => e.Value?.GetValue<string>() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>();
    }

    public void Add(string source, string endpointId, string secret) =>
        Update(source, endpoints => endpoints[endpointId] = secret);

    public bool Remove(string source, string endpointId)
    {
        var removed = false;
        Update(source, endpoints => removed = endpoints.Remove(endpointId));
        return removed;
    }

    /// <summary><c>whsec_…abcd</c>: enough to tell secrets apart, never the secret.</summary>
    public static string Mask(string secret) => secret.Length <= 10 ? "whsec_…" : $"{secret[..6]}…{secret[^4..]}";

    private void Update(string source, Action<Dictionary<string, string>> change)
    {
        var root = Load();
        var endpoints = Endpoints(source).ToDictionary(StringComparer.Ordinal);
        change(endpoints);

        var endpointsNode = root[EndpointsSection] as JsonObject ?? [];
        endpointsNode[source] = new JsonObject(endpoints.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value))));
        root[EndpointsSection] = endpointsNode;

        var stripeCdc = root["StripeCdc"] as JsonObject ?? [];
        var sources = stripeCdc["Sources"] as JsonObject ?? [];
        var sourceNode = sources[source] as JsonObject ?? [];
        sourceNode["SigningSecrets"] = string.Join(",", endpoints.Values.Distinct(StringComparer.Ordinal));
        sources[source] = sourceNode;
        stripeCdc["Sources"] = sources;
        root["StripeCdc"] = stripeCdc;
        Save(root);
    }

    private JsonObject Load() =>
        File.Exists(Path) && JsonNode.Parse(File.ReadAllText(Path)) is JsonObject root ? root : [];

    private void Save(JsonObject root) => PrivateFile.Write(Path, root.ToJsonString(Indented));
}
