#!/usr/bin/env bash
# transformers.js peer for RopeBenchmarks: writes Tessera's 16 384-token benchmark sequence as JSON, installs
# @huggingface/transformers 4.3.1 into the shared peer cache once (the same install as ../shared/peers/transformersjs),
# and times transformers.js's Qwen2-VL get_rope_index on it (rope-tjs.mjs). Prints one JSON line to stdout:
# {variant, tokens, median_ms, min_ms, ns_per_token, ...checks, delta and per-row sums}.
# Usage: benchmarks/peers/run-rope-peer.sh [extra rope-tjs.mjs args, e.g. --positions FILE --runs 31]
# env: SEQ (sequence file, default /tmp/rope-seq.json, rewritten each run), TJS_CACHE, RUNS (15), WARMUP (5).
# Needs the network only for the one-time npm install.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
seq=${SEQ:-/tmp/rope-seq.json}
cache=${TJS_CACHE:-/tmp/tessera-peer-transformersjs}

# The same sequence Tessera's benchmark times (build/restore chatter goes to stderr).
(cd "$repo/benchmarks/Tessera.Benchmarks" && dotnet run -c Release -- --rope-sequence "$seq") >&2

if [ ! -d "$cache/node_modules/@huggingface/transformers" ]; then
  mkdir -p "$cache" && cd "$cache"
  [ -f package.json ] || npm init -y >/dev/null
  # onnxruntime-node's install step tries to download optional GPU files; nothing here runs a model.
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers@4.3.1 >&2
fi
installed=$(node -p "require('$cache/node_modules/@huggingface/transformers/package.json').version")
[ "$installed" = 4.3.1 ] || { echo "expected transformers.js 4.3.1 in $cache, found $installed" >&2; exit 1; }

# Run from the cache so the bare import resolves there.
cp "$here/rope-tjs.mjs" "$cache/rope-tjs.mjs"
cd "$cache" && node rope-tjs.mjs "$seq" "$@"
