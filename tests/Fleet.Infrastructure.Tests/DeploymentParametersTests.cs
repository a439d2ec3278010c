using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fleet.Infrastructure.Tests.Support;

namespace Fleet.Infrastructure.Tests;

/// <summary>
/// infra/main.parameters.json, the values azd gives infra/main.bicep (<c>${VAR}</c> from the azd environment), against
/// the parameters of the compiled template.
/// </summary>
public sealed partial class DeploymentParametersTests
{
    private const string ParametersFile = "infra/main.parameters.json";

    [Fact]
    public async Task The_file_sets_only_parameters_of_main_bicep_and_every_one_without_a_default()
    {
        var template = await TemplateParametersAsync();
        var file = FileParameters();

        var unknown = file.Keys.Where(name => !template.ContainsKey(name));
        var unset = template
            .Where(parameter => !parameter.Value!.AsObject().ContainsKey("defaultValue") && !file.ContainsKey(parameter.Key))
            .Select(parameter => parameter.Key);

        Assert.Empty(unknown);
        Assert.Empty(unset);
    }

    [Fact]
    public async Task A_parameter_named_like_one_azd_sets_is_set_by_azd_too()
    {
        // Parameters whose names differ only in the last word describe one thing: simulatorPrincipalId and
        // simulatorPrincipalType. When azd set only the id, the type stayed User, and a service principal's id failed
        // its role assignment halfway through provisioning.
        var file = FileParameters();
        var fromAzd = file.Where(parameter => ReferencesAzd(parameter.Value))
            .Select(parameter => Stem(parameter.Key))
            .ToHashSet(StringComparer.Ordinal);

        var left = (await TemplateParametersAsync()).Select(parameter => parameter.Key)
            .Where(name => !file.ContainsKey(name) && fromAzd.Contains(Stem(name)));

        Assert.Empty(left);
    }

    [Fact]
    public async Task Every_azd_reference_is_well_formed_and_every_value_is_one_the_parameter_allows()
    {
        var template = await TemplateParametersAsync();
        var wrong = new List<string>();
        foreach (var (name, value) in FileParameters())
        {
            // azd substitutes ${VAR}, or ${VAR=default} with the default when VAR is unset or empty (drone/envsubst).
            string? given = value!.ToString();
            if (ReferencesAzd(value))
            {
                var reference = AzdReference().Match(given);
                if (!reference.Success)
                {
                    wrong.Add($"{name}: {given} is not ${{VAR}} or ${{VAR=default}}");
                    continue;
                }

                given = reference.Groups["default"].Success ? reference.Groups["default"].Value : null;
            }

            if (given is not null && template[name]!["allowedValues"] is JsonArray allowed
                && !allowed.Any(value => value!.ToString() == given))
            {
                wrong.Add($"{name}: {given} is not one of {allowed.ToJsonString()}");
            }
        }

        Problems.AssertNone(wrong);
    }

    private static async Task<JsonObject> TemplateParametersAsync() =>
        (await BicepTemplates.CompileAsync(BicepTemplates.Main))["parameters"]!.AsObject();

    private static Dictionary<string, JsonNode?> FileParameters() =>
        JsonNode.Parse(Repository.Read(ParametersFile))!["parameters"]!.AsObject()
            .ToDictionary(parameter => parameter.Key, parameter => parameter.Value!["value"], StringComparer.Ordinal);

    private static bool ReferencesAzd(JsonNode? value) =>
        value is JsonValue text && text.TryGetValue<string>(out var given) && given.Contains("${", StringComparison.Ordinal);

    // simulatorPrincipalId -> simulatorPrincipal; a one-word name is its own stem.
    private static string Stem(string name) => LastWord().Replace(name, "");

    [GeneratedRegex("[A-Z][a-z0-9]*$")]
    private static partial Regex LastWord();

    [GeneratedRegex(@"^\$\{(?<variable>[A-Z][A-Z0-9_]*)(?:=(?<default>[^}]*))?\}$")]
    private static partial Regex AzdReference();
}
