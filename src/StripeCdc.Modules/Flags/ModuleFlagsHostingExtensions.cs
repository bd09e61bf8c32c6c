using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace StripeCdc.Flags;

public static class ModuleFlagsHostingExtensions
{
    /// <summary>
    /// Module switches shared by every service of the deployment: a configuration source above all others
    /// holds the switched flags, and <see cref="IModuleFlagStore"/> keeps them on the compacted topic
    /// <c>StripeCdc:ModuleFlags:Topic</c> (read before the service takes traffic, then tailed) when the Kafka
    /// integration is added with <c>ConnectionStrings:kafka</c> set; otherwise a switch applies to this
    /// process only. Call it after the other configuration sources are added.
    /// </summary>
    public static IHostApplicationBuilder AddSharedModuleFlags(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(ModuleFlagOverrides)))
        {
            return builder;
        }

        var overrides = new ModuleFlagOverrides();
        builder.Configuration.Add(overrides);
        builder.Services.AddSingleton(overrides);
        builder.Services.AddOptions<ModuleFlagsOptions>()
            .Bind(builder.Configuration.GetSection(ModuleFlagsOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Topic), "StripeCdc:ModuleFlags:Topic must not be empty.")
            .Validate(o => o.LoadTimeout > TimeSpan.Zero, "StripeCdc:ModuleFlags:LoadTimeout must be greater than 0.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IModuleFlagStore, LocalModuleFlagStore>();
        return builder;
    }
}
