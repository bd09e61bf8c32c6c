using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Support;

/// <summary>One throwaway PostgreSQL server shared by the Postgres tests of a collection; each test makes its own database.</summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresServer Server { get; } = PostgresServer.Start(new Dictionary<string, string> { ["fsync"] = "off" });

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
