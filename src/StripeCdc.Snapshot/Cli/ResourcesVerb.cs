using System.CommandLine;
using StripeCdc.Snapshot.Snapshots;

namespace StripeCdc.Snapshot.Cli;

/// <summary><c>snapshot resources</c>: prints the catalogue, one resource a line with how it is read, so an operator can choose.</summary>
internal static class ResourcesVerb
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("resources", "List every resource a snapshot can read (derived from the Stripe.net client), with its list path.");
        command.SetAction(async (_, cancellationToken) =>
        {
            var resources = SnapshotResource.All;
            var width = resources.Max(r => r.Name.Length) + 2;
            foreach (var resource in resources)
            {
                await output.WriteLineAsync($"{resource.Name.PadRight(width)}{Describe(resource)}".AsMemory(), cancellationToken);
            }

            return ExitCodes.Done;
        });
        return command;
    }

    private static string Describe(SnapshotResource resource)
    {
        var query = string.Join("&", resource.Query.Select(q => $"{q.Key}={q.Value}"));
        var path = resource.IsSingleton ? "GET " + resource.ListPath : resource.ListPath;
        if (resource.Parent is { QueryParameter: { } parameter } parent)
        {
            query = string.Join("&", new[] { query, $"{parameter}={{{parent.Resource}}}" }.Where(q => q.Length > 0));
        }
        else if (resource.Parent is { } walked)
        {
            path = path.Replace(Catalog.ListEndpointRecorder.ParentMarker, "{" + walked.Resource + "}", StringComparison.Ordinal);
        }

        return query.Length > 0 ? $"{path}?{query}" : path;
    }
}
