using System.Security.Cryptography;
using System.Text;

namespace Fleet.Adapters.Tables;

/// <summary>A storage account name and key, for SharedKeyLite. The key never appears in any message or string.</summary>
public sealed class TableSharedKeyCredential
{
    private readonly byte[] _key;

    /// <param name="accountKey">The base64 account key, as the portal and connection strings give it.</param>
    public TableSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        AccountName = accountName;
        try
        {
            _key = Convert.FromBase64String(accountKey);
        }
        catch (FormatException)
        {
            // Not chained: the inner message could quote the key.
            throw new ArgumentException($"The account key of storage account '{accountName}' is not valid base64.", nameof(accountKey));
        }
    }

    public string AccountName { get; }

    /// <summary>Base64 HMAC-SHA256 of the UTF-8 string to sign, keyed with the decoded account key.</summary>
    internal string Sign(string stringToSign) => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));
}
