namespace Fleet.Adapters.EventHubs;

/// <summary>
/// An event hub, or one publisher of it, under a namespace base URI (<c>https://{ns}.servicebus.windows.net/</c>, or the
/// local host's <c>http://127.0.0.1:7071/</c>): what a SAS token is made for, and what a request is sent to.
/// </summary>
public sealed record EventHubsResource
{
    internal const string PublishersSegment = "/publishers/";

    public EventHubsResource(Uri namespaceUri, string eventHub, string? publisher = null)
    {
        ArgumentNullException.ThrowIfNull(namespaceUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventHub);
        if (!namespaceUri.IsAbsoluteUri || namespaceUri.Query.Length > 0 || namespaceUri.Fragment.Length > 0)
        {
            throw new ArgumentException("The namespace URI must be absolute, without a query or fragment.", nameof(namespaceUri));
        }

        if (eventHub.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("An event hub name is a single path segment.", nameof(eventHub));
        }

        if (publisher is not null && (string.IsNullOrWhiteSpace(publisher) || publisher.Contains('/', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A publisher name, when given, is a single non-empty path segment.", nameof(publisher));
        }

        NamespaceUri = namespaceUri;
        EventHub = eventHub;
        Publisher = publisher;
        NamespaceResourceUri = namespaceUri.AbsoluteUri.TrimEnd('/');
        EventHubResourceUri = NamespaceResourceUri + "/" + Uri.EscapeDataString(eventHub);
        ResourceUri = publisher is null ? EventHubResourceUri : EventHubResourceUri + PublishersSegment + Uri.EscapeDataString(publisher);
    }

    public Uri NamespaceUri { get; }

    public string EventHub { get; }

    public string? Publisher { get; }

    /// <summary>The namespace as a token names it, without a trailing slash.</summary>
    public string NamespaceResourceUri { get; }

    /// <summary><c>{namespace}/{hub}</c>.</summary>
    public string EventHubResourceUri { get; }

    /// <summary>
    /// <c>{namespace}/{hub}</c>, or <c>{namespace}/{hub}/publishers/{publisher}</c> for a publisher: the URI a token for
    /// exactly this resource is made for.
    /// </summary>
    public string ResourceUri { get; }

    /// <summary>Where events for this resource are posted: <see cref="ResourceUri"/> + <c>/messages</c>.</summary>
    public Uri MessagesUri => new(ResourceUri + "/messages");
}
