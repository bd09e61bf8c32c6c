using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Ingest.Hosting;

namespace StripeCdc.Ingest.Security;

/// <summary>
/// Each source's API key, as a SHA-256 digest: comparing digests of equal length with
/// <see cref="CryptographicOperations.FixedTimeEquals"/> reveals neither the key nor its length.
/// </summary>
internal sealed class SourceApiKeys
{
    private readonly FrozenDictionary<string, byte[]> _digests;

    public SourceApiKeys(SourceCatalog sources, IOptions<IngestOptions> options, ApiKeyStore? store = null)
    {
        store ??= new ApiKeyStore(options.Value.ApiKeyFolder ?? ApiKeyStore.DefaultFolder(), Console.Out);
        var digests = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources.All)
        {
            var configured = source.Options.ApiKey;
            if (string.IsNullOrEmpty(configured))
            {
                configured = store.GetOrCreate(source.Name);
                Generated.Add(source.Name);
            }

            digests[source.Name] = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        }

        _digests = digests.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Store = store;
    }

    public ApiKeyStore Store { get; }

    /// <summary>Sources whose key was generated (and is stored by <see cref="Store"/>).</summary>
    public HashSet<string> Generated { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Matches(string source, ReadOnlySpan<char> presented)
    {
        if (!_digests.TryGetValue(source, out var expected) || presented.IsEmpty)
        {
            return false;
        }

        Span<byte> utf8 = presented.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var length = Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], digest);
        return CryptographicOperations.FixedTimeEquals(digest, expected);
    }
}
