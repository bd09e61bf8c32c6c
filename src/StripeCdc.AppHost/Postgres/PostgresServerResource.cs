namespace StripeCdc.AppHost.Postgres;

/// <summary>
/// The local stack's PostgreSQL: Debian's server binary started by <c>postgres.sh</c> (initdb on first start, then
/// the server in the foreground). Aspire allocates the port before the server starts, so the connection string is
/// known up front; the server listens on 127.0.0.1 only, with trust authentication for the <c>postgres</c> user.
/// </summary>
public sealed class PostgresServerResource(string name, string workingDirectory)
    : ExecutableResource(name, "/bin/sh", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.Port)};Username=postgres;Database=postgres");
}
