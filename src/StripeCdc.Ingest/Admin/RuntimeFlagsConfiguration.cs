using Microsoft.Extensions.Configuration;

namespace StripeCdc.Ingest.Admin;

/// <summary>
/// The last configuration source of the ingest: module flags switched at run time through the admin
/// API. Setting one raises configuration reload, which re-evaluates the pipeline's flags.
/// </summary>
internal sealed class RuntimeFlagsConfiguration : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void SetFlag(string module, bool enabled)
    {
        Data[$"FeatureManagement:{module}"] = enabled ? "true" : "false";
        OnReload();
    }
}
