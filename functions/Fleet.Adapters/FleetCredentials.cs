using Azure.Core;
using Azure.Identity;
using Npgsql;

namespace Fleet.Adapters;

/// <summary>Entra ID access for the stores when no secret is configured (Azure deployments run without keys).</summary>
internal static class FleetCredentials
{
    /// <summary>The scope of Azure Database for PostgreSQL tokens, used in place of a password.</summary>
    private const string PostgresScope = "https://ossrdbms-aad.database.windows.net/.default";

    // Tokens live about an hour; fetching a new one well before expiry means a connection never opens with a stale one.
    private static readonly TimeSpan PostgresTokenRefresh = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan PostgresTokenRetry = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The user-assigned identity with that client id; without one, whatever <see cref="DefaultAzureCredential"/> finds,
    /// e.g. a developer's <c>az login</c>.
    /// </summary>
    public static TokenCredential For(string? managedIdentityClientId) => string.IsNullOrEmpty(managedIdentityClientId)
        ? new DefaultAzureCredential()
        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(managedIdentityClientId));

    /// <summary>
    /// The one data source of the process. With a managed identity, each new physical connection authenticates with a
    /// current Entra token as its password (the connection string then names the identity as user and has no password).
    /// </summary>
    public static NpgsqlDataSource PostgresDataSource(string connectionString, string? managedIdentityClientId)
    {
        if (string.IsNullOrEmpty(managedIdentityClientId))
        {
            return NpgsqlDataSource.Create(connectionString);
        }

        var credential = For(managedIdentityClientId);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UsePeriodicPasswordProvider(
            async (_, cancellationToken) => (await credential.GetTokenAsync(new TokenRequestContext([PostgresScope]), cancellationToken)).Token,
            PostgresTokenRefresh,
            PostgresTokenRetry);
        return builder.Build();
    }
}
