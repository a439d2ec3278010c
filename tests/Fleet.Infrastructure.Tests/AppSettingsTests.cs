using Fleet.Infrastructure.Tests.Support;

namespace Fleet.Infrastructure.Tests;

/// <summary>
/// The Functions app's settings as infra/modules/functionapp.bicep sets them in Azure and local.settings.sample.json
/// sets them for Core Tools, against the code that reads them: nothing set that nobody reads, nothing required unset.
/// </summary>
public sealed class AppSettingsTests
{
    // The template's values are ARM expressions, known only in Azure: only which keys it sets is checked here. An https
    // URL is the strictest shape the composition asks of a value (an absolute URL, https for SignalR Service).
    private const string AzureValue = "https://azure-value.example/";

    [Theory]
    [InlineData(DeploymentSettings.Bicep)]
    [InlineData(DeploymentSettings.LocalSample)]
    public async Task Every_setting_is_read_by_the_code_or_by_the_platform(string file)
    {
        var names = await DeploymentSettings.NamesAsync(file);

        var unread = names.Select(ConfigurationKeys.Of).Where(key => !CodeSettings.ReadByCode(key) && !CodeSettings.ReadByPlatform(key));

        Assert.Empty(unread);
    }

    [Theory]
    [InlineData(DeploymentSettings.Bicep)]
    [InlineData(DeploymentSettings.LocalSample)]
    public async Task Every_setting_and_connection_the_triggers_name_is_set(string file)
    {
        var keys = (await DeploymentSettings.NamesAsync(file)).Select(ConfigurationKeys.Of).ToList();

        // A connection is a connection string or a section (EventHubConnection__fullyQualifiedNamespace, ...).
        var unset = FunctionsSources.AppSettingReferences().Where(setting => !keys.Contains(setting, StringComparer.OrdinalIgnoreCase))
            .Concat(FunctionsSources.Connections().Where(connection => !keys.Any(key => ConfigurationKeys.Covers(connection, key))));

        Assert.Empty(unset);
    }

    [Fact]
    public async Task The_functions_app_starts_with_the_settings_bicep_gives_it()
    {
        var names = await DeploymentSettings.NamesAsync(DeploymentSettings.Bicep);

        var refusals = FunctionsComposition.Refusals(names.ToDictionary(ConfigurationKeys.Of, _ => (string?)AzureValue));

        Problems.AssertNone(refusals);
    }

    [Fact]
    public void The_functions_app_starts_with_the_local_sample()
    {
        var settings = DeploymentSettings.LocalSampleValues()
            .ToDictionary(setting => ConfigurationKeys.Of(setting.Key), setting => (string?)setting.Value);

        Problems.AssertNone(FunctionsComposition.Refusals(settings));
    }

    [Fact]
    public void The_composition_steps_of_the_functions_app_are_found_in_the_composed_assemblies()
    {
        // Steps() fails on a call it cannot resolve; an empty list would make the start-up tests above pass vacuously.
        Assert.NotEmpty(FunctionsComposition.Steps());
    }
}
