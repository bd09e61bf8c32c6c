using System.Reflection;
using System.Runtime.InteropServices;

namespace StripeCdc.EmbeddedKafka;

/// <summary>
/// Loads the librdkafka that Confluent.Kafka ships (falling back to <c>centos8-librdkafka.so</c> where
/// the default build cannot load, e.g. without libsasl2) and points both Confluent.Kafka and our
/// P/Invokes at that one file, so the mock cluster and the clients share one copy of the library.
/// </summary>
internal static class LibRdKafka
{
    private const string LibraryName = "librdkafka";
    private static readonly Lazy<IntPtr> Handle = new(Load);

    public static void EnsureLoaded() => _ = Handle.Value;

    private static IntPtr Load()
    {
        // Let Confluent.Kafka load its copy first (its explicit Library.Load(path) needs a libdl.so that
        // Debian lacks); the candidates below follow its order, so dlopen hands back that same copy.
        _ = Confluent.Kafka.Library.Version;
        var errors = new List<string>();
        foreach (var candidate in Candidates())
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, (name, _, _) => name == LibraryName ? handle : IntPtr.Zero);
                return handle;
            }

            errors.Add(candidate);
        }

        throw new DllNotFoundException(
            $"Could not load librdkafka (tried: {string.Join(", ", errors.DefaultIfEmpty("no candidate file found"))}).");
    }

    private static IEnumerable<string> Candidates()
    {
        var folders = new[]
        {
            Path.GetDirectoryName(typeof(Confluent.Kafka.Library).Assembly.Location),
            AppContext.BaseDirectory,
            Path.GetDirectoryName(Assembly.GetEntryAssembly()?.Location),
        }.OfType<string>().Distinct();

        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        foreach (var folder in folders)
        {
            var native = Path.Combine(folder, "runtimes", rid, "native");
            yield return Path.Combine(native, "librdkafka.so");
            yield return Path.Combine(native, "centos8-librdkafka.so");
            yield return Path.Combine(folder, "librdkafka.so");
        }
    }
}
