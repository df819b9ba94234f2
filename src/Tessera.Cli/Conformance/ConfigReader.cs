using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Reads typed values out of a request's <c>config</c> object, turning every problem into a <see cref="PlanException"/>.</summary>
internal readonly struct ConfigReader
{
    private readonly JsonObject _config;
    private readonly string _strategy;

    public ConfigReader(JsonObject config, string strategy)
    {
        _config = config;
        _strategy = strategy;
    }

    public bool Has(string key) => _config.TryGetPropertyValue(key, out var node) && node is not null;

    public long Long(string key) => Number(Required(key), key);

    public long? OptionalLong(string key) => Has(key) ? Number(_config[key]!, key) : null;

    public int Int(string key)
    {
        long value = Long(key);
        if (value < int.MinValue || value > int.MaxValue)
            throw PlanException.Config($"{_strategy}: config '{key}' = {value} does not fit a 32-bit integer.");
        return (int)value;
    }

    public double Double(string key)
    {
        var node = Required(key);
        if (node is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number)
            return e.GetDouble();
        throw PlanException.Config($"{_strategy}: config '{key}' must be a number, got {node.ToJsonString()}.");
    }

    public bool Bool(string key)
    {
        var node = Required(key);
        if (node is JsonValue v && v.TryGetValue(out JsonElement e) && (e.ValueKind is JsonValueKind.True or JsonValueKind.False))
            return e.GetBoolean();
        throw PlanException.Config($"{_strategy}: config '{key}' must be true or false, got {node.ToJsonString()}.");
    }

    public string String(string key)
    {
        var node = Required(key);
        if (node is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.String)
            return e.GetString()!;
        throw PlanException.Config($"{_strategy}: config '{key}' must be a string, got {node.ToJsonString()}.");
    }

    /// <summary>A list of two-integer lists, e.g. pinpoints <c>[[336, 672], …]</c>.</summary>
    public (int First, int Second)[] Pairs(string key)
    {
        if (Required(key) is not JsonArray array)
            throw PlanException.Config($"{_strategy}: config '{key}' must be a list of [a, b] pairs.");
        var pairs = new List<(int, int)>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonArray pair || pair.Count != 2 || pair[0] is null || pair[1] is null)
                throw PlanException.Config($"{_strategy}: every entry of '{key}' must be a pair [a, b], got {item?.ToJsonString() ?? "null"}.");
            long a = Number(pair[0]!, key), b = Number(pair[1]!, key);
            if (a < int.MinValue || a > int.MaxValue || b < int.MinValue || b > int.MaxValue)
                throw PlanException.Config($"{_strategy}: '{key}' entry {pair.ToJsonString()} does not fit 32-bit integers.");
            pairs.Add(((int)a, (int)b));
        }
        return pairs.ToArray();
    }

    private JsonNode Required(string key)
    {
        if (!_config.TryGetPropertyValue(key, out var node) || node is null)
            throw PlanException.Config($"{_strategy}: config is missing '{key}'.");
        return node;
    }

    private long Number(JsonNode node, string key)
    {
        if (node is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number)
        {
            if (e.TryGetInt64(out long l)) return l;
            // Accept integral floats such as 448.0 (Python configs sometimes carry them).
            double d = e.GetDouble();
            if (Math.Floor(d) == d && Math.Abs(d) < 9.2e18) return (long)d;
        }
        throw PlanException.Config($"{_strategy}: config '{key}' must be an integer, got {node.ToJsonString()}.");
    }
}
