using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StripeCdc.Sinks;

/// <summary>
/// The sinks <c>StripeCdc:Sink</c> can name in one service collection: the ones its host added, in the
/// order it added them, and those found in the assemblies of <c>StripeCdc:ModuleAssemblies</c>.
/// The core knows none of them by type.
/// </summary>
public sealed class SinkCatalog
{
    /// <summary>The sink a deployment gets when <c>StripeCdc:Sink</c> is not set.</summary>
    public const string DefaultSink = "Kafka";

    private readonly List<ISinkDefinition> _definitions = [];

    public IReadOnlyList<string> Names => [.. _definitions.Select(d => d.Name)];

    /// <summary>The name <c>StripeCdc:Sink</c> holds, or <see cref="DefaultSink"/>.</summary>
    public static string Selected(IConfiguration configuration) =>
        configuration[SinkOptions.Key] is { } name && !string.IsNullOrWhiteSpace(name) ? name.Trim() : DefaultSink;

    /// <summary>True when <c>StripeCdc:Sink</c> selects the sink named <paramref name="name"/>.</summary>
    public static bool IsSelected(IConfiguration configuration, string name) =>
        string.Equals(Selected(configuration), name, StringComparison.OrdinalIgnoreCase);

    /// <summary>The sink of that name; null when none has it.</summary>
    public ISinkDefinition? Find(string name) =>
        _definitions.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds a sink; one of the same name is replaced in its place.</summary>
    public void Add(ISinkDefinition definition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(definition.Name);
        var existing = _definitions.FindIndex(d => string.Equals(d.Name, definition.Name, StringComparison.OrdinalIgnoreCase));
        if (existing >= 0)
        {
            _definitions[existing] = definition;
        }
        else
        {
            _definitions.Add(definition);
        }
    }

    /// <summary>Adds every public <see cref="ISinkDefinition"/> with a parameterless constructor in <paramref name="assembly"/>.</summary>
    public void AddFrom(Assembly assembly)
    {
        foreach (var type in assembly.GetExportedTypes())
        {
            if (type is { IsClass: true, IsAbstract: false } && typeof(ISinkDefinition).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null)
            {
                var definition = (ISinkDefinition)Activator.CreateInstance(type)!;
                if (Find(definition.Name) is null)
                {
                    Add(definition);
                }
            }
        }
    }

    /// <summary>The catalog of a service collection, created on first use.</summary>
    internal static SinkCatalog Of(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(SinkCatalog))?.ImplementationInstance is SinkCatalog catalog)
        {
            return catalog;
        }

        catalog = new SinkCatalog();
        services.AddSingleton(catalog);
        return catalog;
    }
}
