namespace Fleet.Adapters.Tables;

public sealed class TableAlertStoreOptions
{
    public string TableName { get; set; } = "alerts";

    /// <summary>How many requests one call sends at once (alerts of one upsert, deletions of one sweep page).</summary>
    public int MaxConcurrentRequests { get; set; } = 16;
}
