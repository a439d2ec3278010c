namespace Fleet.Infrastructure.Tests.Support;

/// <summary>How the Functions app's configuration names what it reads.</summary>
internal static class ConfigurationKeys
{
    /// <summary>The key an app setting becomes: environment variables use <c>__</c> where keys use <c>:</c>.</summary>
    public static string Of(string settingName) => settingName.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>Keys are case-insensitive; a section covers its children: Fleet:Auth:Operators:0, EventHubConnection:clientId.</summary>
    public static bool Covers(string known, string key) =>
        string.Equals(known, key, StringComparison.OrdinalIgnoreCase) || key.StartsWith(known + ":", StringComparison.OrdinalIgnoreCase);
}
