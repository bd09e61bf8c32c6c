using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StripeCdc.Sinks.JsonLines;

public static class JsonLinesSinkServiceCollectionExtensions
{
    /// <summary>Registers the JSON-lines sink: one file per topic in <c>StripeCdc:Sinks:JsonLines:Folder</c>.</summary>
    public static IServiceCollection AddJsonLinesSink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JsonLinesSinkOptions>().Bind(configuration.GetSection(JsonLinesSinkOptions.SectionName));
        services.RemoveAll<IRecordSink>();
        services.AddSingleton<IRecordSink, JsonLinesRecordSink>();
        return services;
    }
}
