#!/usr/bin/env bash
# Side-by-side preprocessing timings on one machine in one session: the Python (Pillow+numpy) Qwen2-VL baseline,
# transformers.js's Qwen2VLImageProcessor and `tessera bench pipelines` (Qwen2-VL and InternVL), interleaved per image
# and repeated ROUNDS times so that a burst of load from other processes hits every tool alike. Then prints the
# Markdown tables of docs/benchmarks.md (benchmarks/peers-table.py).
# Usage: benchmarks/run-peers.sh [OUT_DIR]     env: ROUNDS (default 3), RUNS (default 7), IMAGES (corpus file names)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$(cd "$repo/../shared" && pwd)}
out=${1:-/tmp/tessera-peers-$(date +%Y%m%d-%H%M%S)}
rounds=${ROUNDS:-3}
runs=${RUNS:-7}
images=${IMAGES:-"p_ladybird_baseline420.jpg p_twowings_progressive_pil.jpg p_rocket_444.jpg p_elephants_5640x3172_q85.jpg p_doc_crc_p3_150dpi.png p_wood-d.webp"}
mkdir -p "$out"

dotnet build -c Release "$repo/src/Tessera.Cli" -v quiet -nologo >/dev/null
tessera="$repo/src/Tessera.Cli/bin/Release/net10.0/Tessera.Cli"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 RUNS="$runs"

{
  echo "date: $(date -Is)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
  echo "cores: $(getconf _NPROCESSORS_ONLN)"
  echo "dotnet: $(dotnet --version)"
  echo "python: $(/usr/bin/python3 -c 'import sys, PIL, numpy; print(sys.version.split()[0], "Pillow", PIL.__version__, "numpy", numpy.__version__)')"
  echo "node: $(node --version)"
  echo "rounds: $rounds, runs per measurement: $runs"
} > "$out/machine.txt"

for ((r = 1; r <= rounds; r++)); do
  for name in $images; do
    img="$shared/corpus/$name"
    stem=${name%.*}
    echo "round $r  $name  load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt" >&2
    /usr/bin/python3 "$shared/peers/python/qwen2vl_baseline.py" "$out/python-$stem-$r.json" "$img" >/dev/null
    "$shared/peers/transformersjs/run.sh" "$out/tjs-$stem-$r.json" "$img" >/dev/null
    "$tessera" bench pipelines --pipeline qwen2vl --runs "$runs" "$img" > "$out/tessera-qwen2vl-$stem-$r.json"
    "$tessera" bench pipelines --pipeline internvl --runs "$runs" "$img" > "$out/tessera-internvl-$stem-$r.json"
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/load.txt"
/usr/bin/python3 "$repo/benchmarks/peers-table.py" "$out" "$shared/peers/python-timings.json" | tee "$out/table.md"
