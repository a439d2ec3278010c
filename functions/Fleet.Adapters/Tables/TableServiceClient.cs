using Azure.Core;

namespace Fleet.Adapters.Tables;

/// <summary>
/// A storage account's Table service: one endpoint, one credential, one <see cref="HttpClient"/>, shared by the
/// <see cref="TableClient"/>s it hands out. Thread-safe.
/// </summary>
public sealed class TableServiceClient
{
    private readonly TablePipeline _pipeline;

    /// <param name="connectionString">
    /// <c>UseDevelopmentStorage=true</c> for Azurite, or a storage connection string with AccountName and AccountKey.
    /// </param>
    public TableServiceClient(string connectionString, HttpClient httpClient, TableClientOptions? options = null)
    {
        _pipeline = TablePipeline.Create(connectionString, httpClient, options);
    }

    public TableServiceClient(Uri endpoint, TableSharedKeyCredential credential, HttpClient httpClient, TableClientOptions? options = null)
    {
        _pipeline = TablePipeline.Create(endpoint, credential, httpClient, options);
    }

    /// <param name="credential">Gets tokens for <c>https://storage.azure.com/.default</c>; the endpoint must be https.</param>
    public TableServiceClient(Uri endpoint, TokenCredential credential, HttpClient httpClient, TableClientOptions? options = null)
    {
        _pipeline = TablePipeline.Create(endpoint, credential, httpClient, options);
    }

    public TableClient GetTableClient(string tableName) => new(_pipeline, tableName);
}
