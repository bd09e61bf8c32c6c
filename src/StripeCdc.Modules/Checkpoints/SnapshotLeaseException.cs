namespace StripeCdc.Checkpoints;

/// <summary>Another worker is running this resource's snapshot of this source.</summary>
internal sealed class SnapshotLeaseException(string message) : Exception(message);
