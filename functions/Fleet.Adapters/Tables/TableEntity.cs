using Azure;

namespace Fleet.Adapters.Tables;

/// <summary>
/// One entity: its keys, the service's concurrency tag and timestamp, and typed properties (string, bool, int, long,
/// double, DateTimeOffset, Guid, byte[]). Setting a property to null removes it; the service stores no nulls.
/// Not thread-safe, like any mutable bag.
/// </summary>
public sealed class TableEntity
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);

    public TableEntity(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; }

    public string RowKey { get; }

    /// <summary>Set on entities the service returned; pass it as <c>ifMatch</c> for optimistic concurrency.</summary>
    public ETag ETag { get; init; }

    /// <summary>When the service last modified the entity; set on entities it returned.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public IReadOnlyDictionary<string, object> Properties => _properties;

    public object? this[string name]
    {
        get => _properties.GetValueOrDefault(name);
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (IsReserved(name))
            {
                throw new ArgumentException($"'{name}' is a system property; it cannot be set as a custom property.", nameof(name));
            }

            if (value is null)
            {
                _properties.Remove(name);
                return;
            }

            if (!TableEdm.IsSupported(value))
            {
                throw new ArgumentException(
                    $"Property '{name}' is a {value.GetType().Name}; a table entity holds string, bool, int, long, double, " +
                    "DateTimeOffset, Guid or byte[].",
                    nameof(value));
            }

            _properties[name] = value;
        }
    }

    public string? GetString(string name) => Get<string>(name);

    public bool? GetBoolean(string name) => GetValue<bool>(name);

    public int? GetInt32(string name) => GetValue<int>(name);

    /// <summary>Also reads an Int32 property, which is what a small number written without a type reads back as.</summary>
    public long? GetInt64(string name) => _properties.GetValueOrDefault(name) is int small ? small : GetValue<long>(name);

    /// <summary>Also reads whole numbers, which the service may return without a decimal point.</summary>
    public double? GetDouble(string name) => _properties.GetValueOrDefault(name) switch
    {
        int whole => whole,
        long whole => whole,
        _ => GetValue<double>(name),
    };

    public DateTimeOffset? GetDateTimeOffset(string name) => GetValue<DateTimeOffset>(name);

    public Guid? GetGuid(string name) => GetValue<Guid>(name);

    public byte[]? GetBinary(string name) => Get<byte[]>(name);

    internal static bool IsReserved(string name) =>
        name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal);

    private T? Get<T>(string name)
        where T : class =>
        _properties.GetValueOrDefault(name) switch
        {
            null => null,
            T typed => typed,
            var other => throw WrongType(name, typeof(T), other),
        };

    private T? GetValue<T>(string name)
        where T : struct =>
        _properties.GetValueOrDefault(name) switch
        {
            null => null,
            T typed => typed,
            var other => throw WrongType(name, typeof(T), other),
        };

    private static InvalidOperationException WrongType(string name, Type wanted, object actual) =>
        new($"Property '{name}' holds a {actual.GetType().Name}, not a {wanted.Name}.");
}
