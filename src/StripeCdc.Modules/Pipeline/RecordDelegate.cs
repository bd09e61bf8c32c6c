namespace StripeCdc.Pipeline;

/// <summary>The rest of the pipeline after a module, ending in the sink.</summary>
public delegate ValueTask RecordDelegate(RecordContext context);
