namespace StripeCdc.Testing;

/// <summary>
/// One throwaway PostgreSQL server shared by the Postgres tests of a collection (fsync off: tests need no
/// crash safety from it); each test makes its own database. A test project names it in its own
/// <c>[CollectionDefinition]</c>, which xunit wants in the test assembly.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresServer Server { get; } = PostgresServer.Start(new Dictionary<string, string> { ["fsync"] = "off" });

    public void Dispose() => Server.Dispose();
}
