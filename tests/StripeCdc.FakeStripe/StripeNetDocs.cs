using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml;

namespace StripeCdc.FakeStripe;

/// <summary>
/// The values Stripe.net's XML documentation lists for its string enums ("One of: <c>exempt</c>, <c>none</c>,
/// or <c>reverse</c>."), so generated objects carry values Stripe really sends. Read once from
/// <c>Stripe.net.xml</c> beside the assembly or, as builds do not copy it, from the restored package in the
/// NuGet folder (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>).
/// </summary>
internal static partial class StripeNetDocs
{
    private static readonly Lazy<Dictionary<string, string[]>> EnumValues = new(Load);

    /// <summary>The documented values of a property, or an empty array when it is not an enum (or there are no docs).</summary>
    public static string[] ValuesOf(PropertyInfo property)
    {
        var declaring = property.DeclaringType!.FullName!.Replace('+', '.');
        return EnumValues.Value.GetValueOrDefault($"P:{declaring}.{property.Name}") ?? [];
    }

    private static Dictionary<string, string[]> Load()
    {
        var values = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (FindFile() is not { } path)
        {
            return values;
        }

        using var reader = XmlReader.Create(path);
        while (reader.ReadToFollowing("member"))
        {
            var name = reader.GetAttribute("name");
            var text = reader.ReadInnerXml();
            var oneOf = text.IndexOf("One of:", StringComparison.Ordinal);
            if (name is null || oneOf < 0)
            {
                continue;
            }

            var sentence = text[oneOf..];
            var end = sentence.IndexOf('.', StringComparison.Ordinal);
            values[name] = [.. CodeValue().Matches(end < 0 ? sentence : sentence[..end]).Select(m => m.Groups[1].Value)];
        }

        return values;
    }

    private static string? FindFile()
    {
        var assembly = typeof(Stripe.StripeClient).Assembly;
        var beside = Path.ChangeExtension(assembly.Location, ".xml");
        if (File.Exists(beside))
        {
            return beside;
        }

        var version = assembly.GetName().Version!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var package = Path.Combine(packages, "stripe.net", $"{version.Major}.{version.Minor}.{version.Build}", "lib");
        return Directory.Exists(package)
            ? Directory.EnumerateFiles(package, "Stripe.net.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
    }

    [GeneratedRegex("<c>([^<]+)</c>")]
    private static partial Regex CodeValue();
}
