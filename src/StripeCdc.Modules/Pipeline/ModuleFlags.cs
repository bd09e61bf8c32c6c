using Microsoft.FeatureManagement;

namespace StripeCdc.Pipeline;

/// <summary>
/// Evaluates a module's feature flag. A module whose flag is not defined is on: the built-in
/// modules run unless <c>FeatureManagement:&lt;Name&gt;</c> says otherwise.
/// </summary>
internal sealed class ModuleFlags(IFeatureManager featureManager, IFeatureDefinitionProvider definitions)
{
    public async Task<bool> IsEnabledAsync(string moduleName)
    {
        var definition = await definitions.GetFeatureDefinitionAsync(moduleName);
        return definition is null || await featureManager.IsEnabledAsync(moduleName);
    }
}
