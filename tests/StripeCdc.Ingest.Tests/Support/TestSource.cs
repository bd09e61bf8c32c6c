namespace StripeCdc.Ingest.Tests.Support;

/// <summary>
/// The settings of one isolated test deployment: its own topic prefix, ledger topic and key folder,
/// so tests share one Kafka cluster without seeing each other's records.
/// </summary>
internal sealed class TestSource
{
    public const string Secret = "whsec_test_8mK2pQ4rT6vX9zB1dF3hJ5lN";

    public TestSource(string name = "default")
    {
        Name = name;
        Id = Guid.NewGuid().ToString("N")[..10];
        ApiKey = "key_" + Guid.NewGuid().ToString("N");
        Prefix = $"t{Id}.";
        Settings = new Dictionary<string, string?>
        {
            [$"StripeCdc:Sources:{name}:ApiKey"] = ApiKey,
            [$"StripeCdc:Sources:{name}:SigningSecrets"] = Secret,
            [$"StripeCdc:Sources:{name}:TopicPrefix"] = Prefix,
            [$"StripeCdc:Sources:{name}:FanOutFields"] = "invoice.lines",
            ["StripeCdc:Ledger:Topic"] = $"t{Id}.ledger",
            ["StripeCdc:Ingest:ApiKeyFolder"] = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Id),
        };
    }

    public string Name { get; }

    public string Id { get; }

    public string ApiKey { get; }

    public string Prefix { get; }

    public Dictionary<string, string?> Settings { get; }

    public string LedgerTopic => Settings["StripeCdc:Ledger:Topic"]!;

    public string DeadLetterTopic => Prefix + "stripe_dlq";

    public string Topic(string resource) => Prefix + resource;

    public string Route => Name == "default" ? "/webhooks/stripe" : "/webhooks/stripe/" + Name;

    public string Url(string? apiKey = null) => $"{Route}?api_key={Uri.EscapeDataString(apiKey ?? ApiKey)}";

    public TestSource Set(string key, string? value)
    {
        Settings[key.StartsWith("StripeCdc:", StringComparison.Ordinal) || key.StartsWith("ConnectionStrings:", StringComparison.Ordinal)
            ? key
            : $"StripeCdc:Sources:{Name}:{key}"] = value;
        return this;
    }
}
