namespace StripeCdc.Pipeline;

/// <summary>Why an event was refused: a <see cref="DeadLetterReason"/> and a message free of secrets.</summary>
public sealed record RecordRejection(string Reason, string Message);
