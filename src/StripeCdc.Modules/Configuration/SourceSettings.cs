using System.Collections.Frozen;
using System.Text;
using StripeCdc.Modules.FanOut;

namespace StripeCdc.Configuration;

/// <summary>
/// A source's settings resolved once for the hot path: secrets as bytes, topic names pre-built,
/// lookups frozen. Only the signing secrets change afterwards, swapped whole.
/// </summary>
public sealed class SourceSettings
{
    private readonly FrozenDictionary<string, string> _selectedTopics;
    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _selectedBySpan;
    private volatile byte[][] _signingSecrets;

    public SourceSettings(string name, SourceOptions options)
    {
        Name = name;
        Options = options;
        _signingSecrets = [.. options.SigningSecrets.Select(Encoding.UTF8.GetBytes)];
        FanOut = [.. options.FanOutFields.Select(FanOutEntry.Parse)];
        _selectedTopics = options.Resources
            .Concat(FanOut.Select(f => f.ChildTopic))
            .Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(r => r, Topic, StringComparer.Ordinal);
        _selectedBySpan = _selectedTopics.GetAlternateLookup<ReadOnlySpan<char>>();
        DefaultTopic = Topic(options.DefaultTopic);
        DeadLetterTopic = Topic(options.DeadLetterQueue.Topic);
    }

    public string Name { get; }

    public SourceOptions Options { get; }

    /// <summary>The secrets in force; replaced as a whole when configuration reloads (see <see cref="SourceCatalog"/>).</summary>
    public IReadOnlyList<byte[]> SigningSecrets => _signingSecrets;

    public IReadOnlyList<FanOutEntry> FanOut { get; }

    public string DefaultTopic { get; }

    public string DeadLetterTopic { get; }

    /// <summary>Every topic this source can write to (selected resources, fan-out children, default, DLQ).</summary>
    public IEnumerable<string> KnownTopics =>
        _selectedTopics.Values.Append(DefaultTopic).Append(DeadLetterTopic).Distinct(StringComparer.Ordinal);

    /// <summary>Puts other signing secrets in force at once (a roll, or a secret webhook registration stored).</summary>
    internal void UseSigningSecrets(IEnumerable<string> secrets) =>
        _signingSecrets = [.. secrets.Select(Encoding.UTF8.GetBytes)];

    public string Topic(string resource) => Options.TopicPrefix + resource;

    /// <summary>The topic of a selected resource, or null when the resource is not part of the schema.</summary>
    public string? SelectedTopic(ReadOnlySpan<char> resource) =>
        _selectedBySpan.TryGetValue(resource, out var topic) ? topic : null;
}
