using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Onboarding.Api.Mcp;

/// <summary>
/// An argument a tool takes beside its HTTP twin's body: a path or query value, or a header (<see cref="Header"/>) such as
/// the write token or the idempotency key. Its JSON type is <c>string</c>, <c>integer</c> or <c>boolean</c>.
/// </summary>
internal sealed record Extra(string Name, string Type, string Description, bool Required = false, string? Header = null);

/// <summary>A tool's input schema: its twin's request contract as the HTTP surface reads it, plus the tool's extras.</summary>
internal static class ToolSchema
{
    /// <summary>
    /// The schema of <typeparamref name="TBody"/> as <paramref name="options"/> read it (the same names, types and
    /// descriptions as the HTTP body), with the extras added. Of the body's fields, those in <paramref name="required"/> are
    /// required: the generator would mark every constructor parameter, while the twin leaves most of them optional.
    /// </summary>
    public static JsonElement Of<TBody>(JsonSerializerOptions options, Extra[] extras, params string[] required)
    {
        var schema = JsonNode.Parse(AIJsonUtilities.CreateJsonSchema(typeof(TBody), serializerOptions: options).GetRawText())!.AsObject();
        schema.Remove("required");
        return Build(schema, extras, required);
    }

    /// <summary>A schema of extras alone, for tools whose twin takes no body.</summary>
    public static JsonElement Of(params Extra[] extras) => Build(new JsonObject { ["type"] = "object" }, extras, []);

    private static JsonElement Build(JsonObject schema, Extra[] extras, string[] required)
    {
        schema.Remove("$schema");
        var properties = schema["properties"]?.AsObject() ?? new JsonObject();
        schema["properties"] = properties;
        var names = (schema["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? []).Concat(required).ToList();
        foreach (var extra in extras)
        {
            properties[extra.Name] = new JsonObject { ["type"] = extra.Type, ["description"] = extra.Description };
            if (extra.Required)
            {
                names.Add(extra.Name);
            }
        }

        if (names.Count > 0)
        {
            schema["required"] = new JsonArray([.. names.Distinct().Select(n => (JsonNode)n)]);
        }

        return JsonSerializer.SerializeToElement(schema);
    }
}
