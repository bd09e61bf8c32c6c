namespace StripeCdc.Pipeline;

/// <summary>
/// A step of the record pipeline, shaped like ASP.NET Core middleware: do work, then call
/// <c>next</c> (or don't, to short-circuit). Every class implementing this in a scanned assembly
/// joins the pipeline; its feature flag (named <see cref="Name"/>) switches it off.
/// </summary>
public interface IRecordModule
{
    /// <summary>The module's name; also the name of its feature flag under <c>FeatureManagement</c>.</summary>
    string Name { get; }

    /// <summary>Position in the chain, lowest first; see <see cref="ModuleOrder"/> for the built-in slots.</summary>
    int Order { get; }

    ValueTask InvokeAsync(RecordContext context, RecordDelegate next);
}
