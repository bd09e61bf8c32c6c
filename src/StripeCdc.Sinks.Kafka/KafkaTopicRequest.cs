namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// A topic a service needs: its name, the setting the name comes from (for error messages), and the
/// topic configs its role needs unless the operator sets them (a compacted ledger, a compacted state topic).
/// </summary>
public sealed record KafkaTopicRequest(string Name, string Setting, IReadOnlyDictionary<string, string> RoleConfig)
{
    public KafkaTopicRequest(string name, string setting)
        : this(name, setting, new Dictionary<string, string>())
    {
    }
}
