using StripeCdc.Pipeline;

namespace StripeCdc.Modules.Tests.CustomModule;

/// <summary>
/// A team's own module, living in its own assembly: it runs after routing and before metadata, and
/// stamps the record with the modules it has seen so far so tests can check its place in the chain.
/// </summary>
public sealed class TagRouteModule : IRecordModule
{
    public string Name => "TagRoute";

    public int Order => ModuleOrder.Routing + 50;

    public ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        if (context.ParentRecord is { } record)
        {
            record.Fields.WriteString("_tagged_topic", record.Topic);
            record.Fields.WriteBoolean("_tagged_before_metadata", record.FindHeader("__op") is null);
        }

        return next(context);
    }
}
