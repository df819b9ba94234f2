using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Tests.Infrastructure;

/// <summary>
/// The comparison the project is held to (../shared/tools/compare.py): every key of the expected object present with an
/// equal value; numbers by value, booleans only equal booleans, lists element-wise, nested objects recursively.
/// </summary>
public static class JsonByValue
{
    /// <summary>True when <paramref name="actual"/> contains every key of <paramref name="expected"/> with an equal value.</summary>
    public static bool Contains(JsonNode? expected, JsonNode? actual, List<string>? differences = null, string path = "$")
    {
        switch (expected)
        {
            case null:
                return Note(actual is null, differences, path, expected, actual);
            case JsonObject eo:
                if (actual is not JsonObject ao) return Note(false, differences, path, expected, actual);
                bool all = true;
                foreach (var (key, value) in eo)
                {
                    if (!ao.TryGetPropertyValue(key, out var av))
                    {
                        differences?.Add($"{path}.{key}: missing");
                        all = false;
                        continue;
                    }
                    all &= Contains(value, av, differences, $"{path}.{key}");
                }
                return all;
            case JsonArray ea:
                if (actual is not JsonArray aa || aa.Count != ea.Count) return Note(false, differences, path, expected, actual);
                bool same = true;
                for (int i = 0; i < ea.Count; i++) same &= Contains(ea[i], aa[i], differences, $"{path}[{i}]");
                return same;
            default:
                return Note(ScalarEquals(expected.AsValue(), actual), differences, path, expected, actual);
        }
    }

    private static bool ScalarEquals(JsonValue expected, JsonNode? actual)
    {
        if (actual is not JsonValue av) return false;
        var e = expected.GetValue<JsonElement>();
        var a = av.TryGetValue(out JsonElement ae) ? ae : JsonSerializer.SerializeToElement(av);
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False || a.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return e.ValueKind == a.ValueKind;
        if (e.ValueKind == JsonValueKind.Number && a.ValueKind == JsonValueKind.Number)
        {
            if (e.TryGetInt64(out long el) && a.TryGetInt64(out long al)) return el == al;
            return e.GetDouble() == a.GetDouble();
        }
        if (e.ValueKind == JsonValueKind.String && a.ValueKind == JsonValueKind.String) return e.GetString() == a.GetString();
        return e.ValueKind == a.ValueKind && e.ValueKind == JsonValueKind.Null;
    }

    private static bool Note(bool ok, List<string>? differences, string path, JsonNode? expected, JsonNode? actual)
    {
        if (!ok) differences?.Add($"{path}: expected {expected?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "null"}");
        return ok;
    }
}
