namespace StripeCdc.Pipeline;

/// <summary>What the pipeline says about one of its modules (for logs and the dashboard).</summary>
public sealed record ModuleDescription(string Name, int Order, bool Enabled, string TypeName);
