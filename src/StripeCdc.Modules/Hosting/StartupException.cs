namespace StripeCdc.Hosting;

/// <summary>
/// A start-up dependency (Kafka, the database, the secrets folder, a setting) is missing or refused, and the
/// operator can fix it. The message is one line naming what failed and the fix; the host prints it alone
/// (<see cref="StartupFailureReporter"/>) and exits with code 1, without a stack trace.
/// </summary>
public class StartupException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
