namespace Fleet.Adapters.Tests.Support;

/// <summary>
/// The servers integration tests run against, as tests/run.sh starts them. Without them these tests fail with a
/// message saying so: they never pass by skipping.
/// </summary>
internal static class TestServers
{
    public static string PostgresConnectionString => Require("FLEET_TEST_POSTGRES", "a PostgreSQL connection string");

    public static string TablesConnectionString => Require("FLEET_TEST_TABLES", "a storage connection string for Azurite's Table service");

    private static string Require(string variable, string what) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: it must hold {what}. tests/run.sh installs and starts the servers and sets it.");
}
