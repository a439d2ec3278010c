using Fleet.Infrastructure.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Fleet.Infrastructure.Tests;

/// <summary>azure.yaml names what azd provisions, deploys and runs: each of those must be there.</summary>
public sealed class AzureYamlTests
{
    [Fact]
    public void The_infrastructure_is_a_bicep_file_of_the_repository()
    {
        var infra = Mapping(Load(), "infra");

        Assert.Equal("bicep", Scalar(infra, "provider"));
        var module = Repository.PathOf($"{Scalar(infra, "path")}/{Scalar(infra, "module")}.bicep");
        Assert.True(File.Exists(module), module);
    }

    [Fact]
    public void Every_service_is_a_folder_of_the_repository_holding_what_its_host_deploys()
    {
        var missing = new List<string>();
        foreach (var (name, service) in Entries(Mapping(Load(), "services")))
        {
            var project = Repository.PathOf(Scalar(service, "project"));
            var deployed = Scalar(service, "host") switch
            {
                // A Functions app is built from its project file; a static site is uploaded from its dist folder.
                "function" => Directory.Exists(project) && Directory.EnumerateFiles(project, "*.csproj").Any(),
                "staticwebapp" => File.Exists(Path.Combine(project, Scalar(service, "dist"), "index.html")),
                var host => throw new InvalidOperationException($"service {name}: host {host} is new to this test"),
            };
            if (!deployed)
            {
                missing.Add(name);
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_hook_runs_a_script_of_the_repository_written_for_its_shell()
    {
        var hooks = Entries(Mapping(Load(), "hooks")).ToList();

        Assert.NotEmpty(hooks);
        Assert.All(hooks, hook =>
        {
            var script = Repository.PathOf(Scalar(hook.Value, "run"));
            Assert.True(File.Exists(script), $"{hook.Key}: {script}");
            Assert.Equal($"#!/bin/{Scalar(hook.Value, "shell")}", File.ReadLines(script).First());
        });
    }

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(Repository.Read("azure.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static IEnumerable<(string Key, YamlMappingNode Value)> Entries(YamlMappingNode node) =>
        node.Children.Select(entry => (((YamlScalarNode)entry.Key).Value!, (YamlMappingNode)entry.Value));

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;
}
