using Fleet.Adapters.Tables;

namespace Fleet.Adapters.Tests.Tables;

public sealed class TableConnectionStringTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("usedevelopmentstorage=True;")]
    public void Development_storage_means_azurite_on_its_default_table_port(string connectionString)
    {
        var parsed = TableConnectionString.Parse(connectionString);

        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.Endpoint);
        Assert.Equal("devstoreaccount1", parsed.Credential.AccountName);
    }

    [Fact]
    public void A_table_endpoint_is_used_as_given()
    {
        var parsed = TableConnectionString.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10402/devstoreaccount1;");

        Assert.Equal(new Uri("http://127.0.0.1:10402/devstoreaccount1"), parsed.Endpoint);
        Assert.Equal("devstoreaccount1", parsed.Credential.AccountName);
    }

    [Theory]
    [InlineData(
        "DefaultEndpointsProtocol=https;AccountName=fleet;AccountKey={0};EndpointSuffix=core.chinacloudapi.cn",
        "https://fleet.table.core.chinacloudapi.cn/")]
    [InlineData("AccountName=fleet;AccountKey={0}", "https://fleet.table.core.windows.net/")]
    [InlineData(" accountname = fleet ; ACCOUNTKEY={0} ; defaultendpointsprotocol=HTTP ", "http://fleet.table.core.windows.net/")]
    public void Without_a_table_endpoint_it_is_built_from_account_protocol_and_suffix(string template, string expected)
    {
        var parsed = TableConnectionString.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Key));

        Assert.Equal(new Uri(expected), parsed.Endpoint);
        Assert.Equal("fleet", parsed.Credential.AccountName);
    }

    [Theory]
    [InlineData("AccountName=fleet;EndpointSuffix=core.windows.net", "AccountKey")]
    [InlineData("AccountName=fleet;AccountKey=;EndpointSuffix=core.windows.net", "AccountKey")]
    [InlineData("AccountKey={0};EndpointSuffix=core.windows.net", "AccountName")]
    public void A_missing_part_is_named_and_the_key_never_quoted(string template, string missing)
    {
        var failure = Assert.Throws<FormatException>(
            () => TableConnectionString.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Key)));

        Assert.Equal($"The storage connection string has no {missing}.", failure.Message);
    }

    [Theory]
    [InlineData("AccountName=fleet;AccountKey=secret-but-not-base64!!", "not valid base64")]
    [InlineData("AccountName=fleet;AccountKey=c2VjcmV0;TableEndpoint=ftp://fleet/", "absolute http or https")]
    [InlineData("AccountName=fleet;AccountKey=c2VjcmV0;DefaultEndpointsProtocol=ftp", "http or https")]
    [InlineData("TableEndpoint=https://fleet.table.core.windows.net;SharedAccessSignature=sv=2020&sig=c2VjcmV0", "SharedAccessSignature")]
    [InlineData("AccountName=fleet;c2VjcmV0", "Name=Value")]
    public void Invalid_strings_are_explained_without_quoting_secrets(string connectionString, string explanation)
    {
        var failure = Record.Exception(() => TableConnectionString.Parse(connectionString));

        Assert.NotNull(failure);
        Assert.True(failure is FormatException or ArgumentException, $"Unexpected {failure.GetType().Name}");
        Assert.Contains(explanation, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);
    }
}
