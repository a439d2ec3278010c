using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Core;

namespace Fleet.Adapters.Tables;

/// <summary>How a write treats the properties an entity does not send.</summary>
public enum TableUpdateMode
{
    /// <summary>Properties not sent are kept.</summary>
    Merge,

    /// <summary>The entity becomes exactly what is sent.</summary>
    Replace,
}

/// <summary>One response of a query; it may be empty while more pages follow.</summary>
public sealed record TableQueryPage(IReadOnlyList<TableEntity> Entities);

/// <summary>
/// One table over the Table REST protocol, authorized with SharedKeyLite (connection string or account key) or an
/// Entra ID token (managed identity). Thread-safe; the <see cref="HttpClient"/> belongs to the caller. Failures are
/// <see cref="TableRequestFailedException"/>s; transient ones are retried first (see <see cref="TableClientOptions"/>).
/// </summary>
public sealed class TableClient
{
    public const int MaxPageSize = 1000;
    private const int MinTableNameLength = 3;
    private const int MaxTableNameLength = 63;

    private readonly TablePipeline _pipeline;

    public TableClient(string connectionString, string tableName, HttpClient httpClient, TableClientOptions? options = null)
        : this(TablePipeline.Create(connectionString, httpClient, options), tableName)
    {
    }

    public TableClient(
        Uri endpoint, string tableName, TableSharedKeyCredential credential, HttpClient httpClient, TableClientOptions? options = null)
        : this(TablePipeline.Create(endpoint, credential, httpClient, options), tableName)
    {
    }

    /// <param name="credential">Gets tokens for <c>https://storage.azure.com/.default</c>; the endpoint must be https.</param>
    public TableClient(Uri endpoint, string tableName, TokenCredential credential, HttpClient httpClient, TableClientOptions? options = null)
        : this(TablePipeline.Create(endpoint, credential, httpClient, options), tableName)
    {
    }

    internal TableClient(TablePipeline pipeline, string tableName)
    {
        ValidateTableName(tableName);
        _pipeline = pipeline;
        Name = tableName;
    }

    public string Name { get; }

    /// <summary>
    /// A <c>$filter</c> from an interpolated string whose values become safe literals: strings quoted with inner quotes
    /// doubled, <c>datetime'…Z'</c>, Int64 with its <c>L</c>, <c>guid'…'</c>, <c>X'…'</c>.
    /// </summary>
    /// <example><c>TableClient.CreateQueryFilter($"PartitionKey eq {companyId} and ExpiresAt gt {now}")</c></example>
    public static string CreateQueryFilter(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var literals = filter.GetArguments().Select(TableEdm.FormatLiteral).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, literals);
    }

    /// <returns>True when this call created the table, false when it already existed.</returns>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = new TableRequest(HttpMethod.Post, "CreateTable", Name, "Tables", Body: TableNameBody(Name)) { PreferNoContent = true };
        var response = await _pipeline.SendAsync(request, cancellationToken);
        if (response.IsSuccess)
        {
            return true;
        }

        return response.Status == HttpStatusCode.Conflict && response.ErrorCode == TableErrorCode.TableAlreadyExists
            ? false
            : throw response.ToException(request);
    }

    /// <summary>Inserts an entity that must not exist yet.</summary>
    /// <exception cref="TableRequestFailedException">
    /// With <see cref="TableErrorCode.EntityAlreadyExists"/> when it exists, which after a retry may be because an
    /// earlier attempt of this very call inserted it; callers for whom an existing entity is fine can ignore that code.
    /// </exception>
    public async Task<ETag> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var request = new TableRequest(HttpMethod.Post, "Insert", Name, Uri.EscapeDataString(Name), Body: TableEntityJson.Serialize(entity))
        {
            PreferNoContent = true,
        };
        var response = await _pipeline.SendAsync(request, cancellationToken);
        if (response.IsSuccess)
        {
            return ToETag(response);
        }

        var retriedIntoConflict = response.Status == HttpStatusCode.Conflict && response.Attempts > 1;
        throw response.ToException(
            request, retriedIntoConflict ? "An earlier attempt got no answer, so the existing entity may be the one it inserted." : null);
    }

    /// <summary>Inserts the entity or, when it exists, merges into or replaces it, whatever its ETag.</summary>
    public async Task<ETag> UpsertEntityAsync(
        TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var request = WriteRequest("Upsert", entity, mode, ifMatch: null);
        var response = await _pipeline.SendAsync(request, cancellationToken);
        return response.IsSuccess ? ToETag(response) : throw response.ToException(request);
    }

    /// <summary>Updates an existing entity if its ETag still matches (<see cref="ETag.All"/> for any).</summary>
    /// <exception cref="TableRequestFailedException">
    /// Status 412 (<see cref="TableErrorCode.UpdateConditionNotSatisfied"/>) when someone changed it since, 404 when it is gone.
    /// </exception>
    public async Task<ETag> UpdateEntityAsync(
        TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (ifMatch == default)
        {
            throw new ArgumentException("An update needs the entity's ETag, or ETag.All to update whatever its version.", nameof(ifMatch));
        }

        var request = WriteRequest("Update", entity, mode, IfMatchValue(ifMatch));
        var response = await _pipeline.SendAsync(request, cancellationToken);
        return response.IsSuccess ? ToETag(response) : throw response.ToException(request);
    }

    /// <returns>The entity, or null when the table has none with these keys.</returns>
    public async Task<TableEntity?> GetEntityIfExistsAsync(
        string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        var query = select is null ? null : "$select=" + Uri.EscapeDataString(SelectList(select));
        var request = new TableRequest(HttpMethod.Get, "Get", Name, EntityResource(partitionKey, rowKey), query);
        var response = await _pipeline.SendAsync(request, cancellationToken);
        if (response.IsEntityNotFound)
        {
            return null;
        }

        if (!response.IsSuccess)
        {
            throw response.ToException(request);
        }

        using var document = JsonDocument.Parse(response.Body);
        return TableEntityJson.Deserialize(document.RootElement, response.ETag);
    }

    /// <summary>Every entity matching the filter, in key order, across as many requests as the service needs.</summary>
    /// <param name="filter">An OData filter; build it with <see cref="CreateQueryFilter"/>.</param>
    /// <param name="maxPerPage">At most this many entities per request (<c>$top</c>), up to 1000.</param>
    /// <param name="select">Only these properties (the keys always come along).</param>
    public async IAsyncEnumerable<TableEntity> QueryAsync(
        string? filter = null,
        int? maxPerPage = null,
        IEnumerable<string>? select = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in QueryPagesAsync(filter, maxPerPage, select, cancellationToken))
        {
            foreach (var entity in page.Entities)
            {
                yield return entity;
            }
        }
    }

    /// <summary>
    /// The query's responses as they come, following the service's continuation; a page may be empty yet be followed
    /// by more.
    /// </summary>
    public async IAsyncEnumerable<TableQueryPage> QueryPagesAsync(
        string? filter = null,
        int? maxPerPage = null,
        IEnumerable<string>? select = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (maxPerPage is not null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxPerPage.Value, 1, nameof(maxPerPage));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPerPage.Value, MaxPageSize, nameof(maxPerPage));
        }

        var options = new List<string>();
        if (filter is not null)
        {
            options.Add("$filter=" + Uri.EscapeDataString(filter));
        }

        if (maxPerPage is not null)
        {
            options.Add("$top=" + maxPerPage.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (select is not null)
        {
            options.Add("$select=" + Uri.EscapeDataString(SelectList(select)));
        }

        string? nextPartitionKey = null;
        string? nextRowKey = null;
        do
        {
            var query = new List<string>(options);
            if (nextPartitionKey is not null)
            {
                query.Add("NextPartitionKey=" + Uri.EscapeDataString(nextPartitionKey));
            }

            if (nextRowKey is not null)
            {
                query.Add("NextRowKey=" + Uri.EscapeDataString(nextRowKey));
            }

            var request = new TableRequest(
                HttpMethod.Get, "Query", Name, Uri.EscapeDataString(Name) + "()", query.Count > 0 ? string.Join('&', query) : null);
            var response = await _pipeline.SendAsync(request, cancellationToken);
            if (!response.IsSuccess)
            {
                throw response.ToException(request);
            }

            yield return new TableQueryPage(ReadPage(response.Body));
            nextPartitionKey = response.NextPartitionKey;
            nextRowKey = response.NextRowKey;
        }
        while (nextPartitionKey is not null);
    }

    /// <param name="ifMatch">The ETag the entity must still have; by default it is deleted whatever its version.</param>
    /// <returns>False when there was no such entity.</returns>
    /// <exception cref="TableRequestFailedException">Status 412 when the ETag no longer matches.</exception>
    public async Task<bool> DeleteEntityAsync(
        string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        var request = new TableRequest(HttpMethod.Delete, "Delete", Name, EntityResource(partitionKey, rowKey))
        {
            IfMatch = IfMatchValue(ifMatch == default ? ETag.All : ifMatch),
        };
        var response = await _pipeline.SendAsync(request, cancellationToken);
        if (response.IsEntityNotFound)
        {
            return false;
        }

        return response.IsSuccess ? true : throw response.ToException(request);
    }

    private TableRequest WriteRequest(string operation, TableEntity entity, TableUpdateMode mode, string? ifMatch) =>
        new(mode == TableUpdateMode.Merge ? TableRequest.Merge : HttpMethod.Put,
            operation,
            Name,
            EntityResource(entity.PartitionKey, entity.RowKey),
            Body: TableEntityJson.Serialize(entity))
        {
            IfMatch = ifMatch,
        };

    private string EntityResource(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        return $"{Uri.EscapeDataString(Name)}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";
    }

    // Quotes are doubled for OData first; the result is then percent-encoded for the URL.
    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static string IfMatchValue(ETag etag) => etag.ToString("H");

    private static string SelectList(IEnumerable<string> select)
    {
        var names = select.ToList();
        foreach (var key in (string[])["PartitionKey", "RowKey"])
        {
            if (!names.Contains(key, StringComparer.Ordinal))
            {
                names.Add(key);
            }
        }

        return string.Join(',', names);
    }

    private static ETag ToETag(TableResponse response) => response.ETag is null ? default : new ETag(response.ETag);

    private static List<TableEntity> ReadPage(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("value").EnumerateArray().Select(entity => TableEntityJson.Deserialize(entity, null))];
    }

    private static byte[] TableNameBody(string tableName)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("TableName", tableName);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void ValidateTableName(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        if (tableName.Length is < MinTableNameLength or > MaxTableNameLength || !char.IsAsciiLetter(tableName[0]) ||
            !tableName.All(char.IsAsciiLetterOrDigit) || string.Equals(tableName, "tables", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"'{tableName}' is not a valid table name: 3 to 63 letters and digits, starting with a letter, and not 'tables'.",
                nameof(tableName));
        }
    }
}
