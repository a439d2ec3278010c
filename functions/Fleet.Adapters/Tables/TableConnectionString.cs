namespace Fleet.Adapters.Tables;

/// <summary>
/// The table endpoint and shared key of a storage connection string: <c>UseDevelopmentStorage=true</c> (Azurite), or
/// <c>AccountName</c> and <c>AccountKey</c> with either <c>TableEndpoint</c> or <c>DefaultEndpointsProtocol</c> and
/// <c>EndpointSuffix</c>. Errors name the missing part and never quote the string, which holds the key.
/// </summary>
public sealed class TableConnectionString
{
    public const string DevelopmentAccountName = "devstoreaccount1";

    // Azurite's fixed, publicly documented key: not a secret.
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static readonly Uri DevelopmentTableEndpoint = new("http://127.0.0.1:10002/devstoreaccount1");

    private const string DefaultEndpointSuffix = "core.windows.net";

    private TableConnectionString(Uri endpoint, TableSharedKeyCredential credential)
    {
        Endpoint = endpoint;
        Credential = credential;
    }

    public Uri Endpoint { get; }

    public TableSharedKeyCredential Credential { get; }

    public static TableConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: base64 keys end in '='.
            var separator = segment.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw Invalid("has a part that is not of the form Name=Value");
            }

            settings[segment[..separator].Trim()] = segment[(separator + 1)..].Trim();
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var development) &&
            bool.TryParse(development, out var useDevelopment) && useDevelopment)
        {
            return new TableConnectionString(
                DevelopmentTableEndpoint, new TableSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey));
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw Invalid(
                "uses a SharedAccessSignature, which this client does not support; give AccountName and AccountKey, or use a TokenCredential");
        }

        var accountName = Required(settings, "AccountName");
        var accountKey = Required(settings, "AccountKey");
        var endpoint = settings.TryGetValue("TableEndpoint", out var tableEndpoint)
            ? ParseEndpoint(tableEndpoint)
            : DefaultEndpoint(settings, accountName);
        return new TableConnectionString(endpoint, new TableSharedKeyCredential(accountName, accountKey));
    }

    private static Uri DefaultEndpoint(Dictionary<string, string> settings, string accountName)
    {
        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", Uri.UriSchemeHttps).ToLowerInvariant();
        if (protocol is not ("http" or "https"))
        {
            throw Invalid("has a DefaultEndpointsProtocol other than http or https");
        }

        var suffix = settings.GetValueOrDefault("EndpointSuffix", DefaultEndpointSuffix);
        return ParseEndpoint($"{protocol}://{accountName}.table.{suffix}");
    }

    private static Uri ParseEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var endpoint) &&
        (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)
            ? endpoint
            : throw Invalid("has a table endpoint that is not an absolute http or https URI");

    private static string Required(Dictionary<string, string> settings, string name) =>
        settings.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw Invalid($"has no {name}");

    private static FormatException Invalid(string problem) => new($"The storage connection string {problem}.");
}
