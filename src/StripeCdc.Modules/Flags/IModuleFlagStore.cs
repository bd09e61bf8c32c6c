namespace StripeCdc.Flags;

/// <summary>
/// Where module switches live so that every service that writes records — each ingest replica and the
/// snapshot worker — applies the same ones. Switching returns once the switch is durable and in force
/// in this process; the others follow as they read it.
/// </summary>
public interface IModuleFlagStore
{
    /// <summary>Switches a module for the whole deployment; null removes the switch (each service's configured flag applies again).</summary>
    Task SetAsync(string module, bool? enabled, CancellationToken cancellationToken);
}
