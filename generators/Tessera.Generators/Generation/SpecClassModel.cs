using System;
using Tessera.Generators.Specs;

namespace Tessera.Generators.Generation;

/// <summary>A type enclosing a spec class: its declaration keyword (<c>class</c>, <c>record struct</c>, …) and name.</summary>
internal readonly struct ContainingType : IEquatable<ContainingType>
{
    public ContainingType(string keyword, string name)
    {
        Keyword = keyword;
        Name = name;
    }

    /// <summary>What follows <c>partial</c> in the re-declaration: <c>class</c>, <c>struct</c>, <c>interface</c>, <c>record</c> or <c>record struct</c>.</summary>
    public string Keyword { get; }

    public string Name { get; }

    public bool Equals(ContainingType other) => Keyword == other.Keyword && Name == other.Name;

    public override bool Equals(object? obj) => obj is ContainingType t && Equals(t);

    public override int GetHashCode() => Keyword.GetHashCode() * 31 + Name.GetHashCode();
}

/// <summary>
/// Everything the generator needs to emit one spec class, as plain values: no symbols, syntax or compilation, so the
/// incremental pipeline can compare runs and skip emission when nothing relevant changed.
/// </summary>
internal sealed class SpecClassModel : IEquatable<SpecClassModel>
{
    public SpecClassModel(string? @namespace, string name, string keyword, string accessibility, EquatableArray<ContainingType> containingTypes,
        TilingSpec spec, bool hasPipeline)
    {
        Namespace = @namespace;
        Name = name;
        Keyword = keyword;
        Accessibility = accessibility;
        ContainingTypes = containingTypes;
        Spec = spec;
        HasPipeline = hasPipeline;
    }

    /// <summary>The namespace, or null for the global namespace.</summary>
    public string? Namespace { get; }

    public string Name { get; }

    /// <summary><c>class</c> or <c>record</c>.</summary>
    public string Keyword { get; }

    /// <summary>The declared accessibility as C# spells it (<c>public</c>, <c>private protected</c>, …).</summary>
    public string Accessibility { get; }

    /// <summary>Enclosing types, outermost first.</summary>
    public EquatableArray<ContainingType> ContainingTypes { get; }

    public TilingSpec Spec { get; }

    /// <summary>Whether the compilation has the pixel pipeline matching the spec (Tessera.Pipelines).</summary>
    public bool HasPipeline { get; }

    /// <summary>A hint name unique per class: namespace, enclosing types and name.</summary>
    public string HintName
    {
        get
        {
            var name = new System.Text.StringBuilder();
            if (Namespace is not null) name.Append(Namespace).Append('.');
            foreach (var t in ContainingTypes) name.Append(t.Name).Append('.');
            name.Append(Name).Append(".Tessera.g.cs");
            return name.ToString();
        }
    }

    public bool Equals(SpecClassModel? other) => other is not null && Namespace == other.Namespace && Name == other.Name
        && Keyword == other.Keyword && Accessibility == other.Accessibility && ContainingTypes.Equals(other.ContainingTypes)
        && Spec.Equals(other.Spec) && HasPipeline == other.HasPipeline;

    public override bool Equals(object? obj) => Equals(obj as SpecClassModel);

    public override int GetHashCode()
    {
        int hash = (Namespace?.GetHashCode() ?? 0) * 31 + Name.GetHashCode();
        hash = hash * 31 + ContainingTypes.GetHashCode();
        return hash * 31 + Spec.GetHashCode();
    }
}
