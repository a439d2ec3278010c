using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// The development keys are public (they are in the repository): outside Development the host refuses to start with
/// any of them, or without keys of its own, and says which setting to change.
/// </summary>
public sealed class DevelopmentSecretsTests
{
    public static TheoryData<string> CommittedKeys => [.. DevelopmentSecrets.Committed.Keys];

    [Theory]
    [MemberData(nameof(CommittedKeys))]
    public void Production_refuses_to_start_with_a_committed_development_key(string setting)
    {
        var settings = Support.LocalHostRig.ProductionSettings.Where(value => !value.StartsWith("--" + setting + "=", StringComparison.Ordinal));

        var refusal = Assert.Throws<InvalidOperationException>(() => LocalHostApp.Build([.. settings, $"--{setting}={DevelopmentSecrets.Committed[setting]}"]));

        Assert.StartsWith(setting + " hold the development value committed to the repository", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_without_keys_of_its_own_refuses_to_start_naming_the_setting()
    {
        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = LocalHostApp.Build(["--environment=Production", "--Urls=http://127.0.0.1:0"]);
            await app.StartAsync();
        });

        Assert.Contains("Fleet:LocalHost:SignalRAccessKey is required.", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_committed_keys_are_those_of_the_development_settings_and_only_there()
    {
        using var development = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json")));
        var shared = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));

        foreach (var (setting, value) in DevelopmentSecrets.Committed)
        {
            var element = setting.Split(':').Aggregate(development.RootElement, (node, name) => node.GetProperty(name));
            Assert.Equal(value, element.GetString());
            Assert.DoesNotContain(value, shared, StringComparison.Ordinal);
        }
    }
}
