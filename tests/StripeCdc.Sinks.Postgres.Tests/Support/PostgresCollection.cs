using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests.Support;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
