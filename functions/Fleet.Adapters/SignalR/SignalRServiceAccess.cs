using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Adapters.SignalR;

/// <summary>
/// How this app reaches SignalR Service's data-plane API, from the settings the Functions extension reads too: in Azure
/// the service's https address and the app's identity; locally a connection string with an access key (the emulator's).
/// </summary>
internal static class SignalRServiceAccess
{
    public static (Uri ServiceUri, Func<IServiceProvider, SignalRServiceAuthorization> Authorization) From(IConfiguration configuration)
    {
        if (configuration[FleetComposition.SignalRServiceUriKey] is { Length: > 0 } address)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var serviceUri) || serviceUri.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidOperationException($"{FleetComposition.SignalRServiceUriKey} must be the SignalR Service's https address (https://<name>.service.signalr.net).");
            }

            var credential = FleetCredentials.For(configuration[FleetComposition.SignalRClientIdKey]);
            return (serviceUri, _ => new EntraSignalRAuthorization(credential));
        }

        var parts = (configuration[FleetComposition.SignalRConnectionStringKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri)
            || endpointUri.Scheme is not ("http" or "https") || !parts.TryGetValue("AccessKey", out var accessKey) || accessKey.Length == 0)
        {
            // The setting holds a secret, so it is named, never repeated.
            throw new InvalidOperationException(
                $"{FleetComposition.SignalRServiceUriKey} (Azure, with the app's identity) or {FleetComposition.SignalRConnectionStringKey} (Endpoint=...;AccessKey=...) is required to close revoked users' connections.");
        }

        var withPort = new UriBuilder(endpointUri);
        if (parts.TryGetValue("Port", out var port) && int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var portNumber))
        {
            withPort.Port = portNumber;
        }

        return (withPort.Uri, provider => new AccessKeySignalRAuthorization(accessKey, provider.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
