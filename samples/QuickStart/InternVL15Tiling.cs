using Tessera.Specs;

namespace QuickStart;

/// <summary>
/// The InternVL 1.5 model card as a declarative spec: Tessera's source generator adds <c>Options</c>, <c>Plan</c>,
/// <c>CountTokens</c>, the compile-time <c>MaxTokens</c> and, from the budget, <c>RemainingTokens</c>.
/// </summary>
[AspectRatioTiling(TileSize = 448, MinTiles = 1, MaxTiles = 12, Thumbnail = true)]
[TokenBudget(ContextLength = 8192)]
internal static partial class InternVL15Tiling;
