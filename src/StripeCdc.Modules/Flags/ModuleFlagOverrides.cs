using Microsoft.Extensions.Configuration;

namespace StripeCdc.Flags;

/// <summary>
/// The last configuration source of a service: module flags switched at run time
/// (<c>FeatureManagement:&lt;Module&gt;</c>), above every configured value. A change raises configuration
/// reload, which re-evaluates the pipeline's flags.
/// </summary>
public sealed class ModuleFlagOverrides : ConfigurationProvider, IConfigurationSource
{
    private const string Section = "FeatureManagement:";

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    /// <summary>The switched flags, by module name.</summary>
    public IReadOnlyDictionary<string, bool> Current =>
        Data.ToDictionary(e => e.Key[Section.Length..], e => e.Value == "true", StringComparer.OrdinalIgnoreCase);

    /// <summary>Switches a module; null removes the switch (the configured flag applies again).</summary>
    public void Set(string module, bool? enabled, bool raiseReload = true)
    {
        // Copy on write: configuration reads this dictionary on other threads while the tail applies switches.
        var key = Section + module;
        var data = new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);
        if (enabled is { } on)
        {
            data[key] = on ? "true" : "false";
        }
        else
        {
            data.Remove(key);
        }

        Data = data;

        if (raiseReload)
        {
            OnReload();
        }
    }

    public void RaiseReload() => OnReload();
}
