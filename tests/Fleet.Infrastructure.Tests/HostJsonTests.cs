using System.Text.Json.Nodes;
using System.Xml.Linq;
using Fleet.Infrastructure.Tests.Support;

namespace Fleet.Infrastructure.Tests;

/// <summary>The repository's one host.json: what the Functions app ships, and only for extensions its functions use.</summary>
public sealed class HostJsonTests
{
    private const string HostJson = "host.json";

    [Fact]
    public void It_is_a_version_2_host_json_configuring_only_extensions_the_functions_bind_to()
    {
        var host = JsonNode.Parse(Repository.Read(HostJson))!.AsObject();
        var kinds = FunctionsSources.BindingKinds();

        // Sections are named after the binding kind, in the plural where it has one: eventHubs for [EventHubTrigger].
        var unused = host["extensions"]!.AsObject().Select(section => section.Key)
            .Where(section => !kinds.Contains(section.TrimEnd('s'), StringComparer.OrdinalIgnoreCase));

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Empty(unused);
    }

    [Fact]
    public void The_functions_project_ships_it()
    {
        const string project = "functions/Fleet.Functions/Fleet.Functions.csproj";
        var projectFolder = Path.GetDirectoryName(Repository.PathOf(project))!;

        var linked = XDocument.Parse(Repository.Read(project)).Descendants("None")
            .Where(item => (string?)item.Attribute("Link") == HostJson)
            .Select(item => Path.GetFullPath(Path.Combine(projectFolder, ((string)item.Attribute("Include")!).Replace('\\', '/'))));

        Assert.Equal([Path.GetFullPath(Repository.PathOf(HostJson))], linked);
    }
}
