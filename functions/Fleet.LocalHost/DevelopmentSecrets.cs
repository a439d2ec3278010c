namespace Fleet.LocalHost;

/// <summary>
/// The keys <c>appsettings.Development.json</c> commits to the repository so that <c>dotnet run</c> needs no setup. They
/// are public: outside Development a host that signs or accepts tokens with one of them lets anyone in, so it refuses to
/// start while any is configured and names the setting to change.
/// </summary>
internal static class DevelopmentSecrets
{
    public static IReadOnlyDictionary<string, string> Committed { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Fleet:Auth:SigningKey"] = "fleet-local-dev-user-token-signing-key",
        ["Fleet:LocalEventHubs:SharedAccessKey"] = "fleet-local-dev-key",
        ["Fleet:LocalHost:SignalRAccessKey"] = "fleet-local-dev-signalr-access-key-0123456789",
    };

    /// <exception cref="InvalidOperationException">Outside Development, a committed key is configured.</exception>
    public static void RefuseOutsideDevelopment(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        var committed = Committed.Where(secret => configuration[secret.Key] == secret.Value).Select(secret => secret.Key).ToList();
        if (committed.Count > 0)
        {
            throw new InvalidOperationException(
                $"{string.Join(", ", committed)} hold the development value committed to the repository, which anyone can read; " +
                $"the {environment.EnvironmentName} environment needs a secret of its own (README: running outside Development).");
        }
    }
}
