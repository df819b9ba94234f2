#!/usr/bin/env bash
# numpy peer for VideoPatchBenchmarks: writes the benchmark's clip (frames, Tessera's output, shape) and times numpy's
# rescale/normalise/patchify of the same frames, checking it equals Tessera's output bit for bit. Prints one JSON line.
# Usage: benchmarks/peers/run-video-peer.sh [RUNS]   Needs Debian's python3-numpy (apt-get install -y python3-numpy).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${CLIP_DIR:-/tmp/tessera-video-clip}
(cd "$repo/benchmarks/Tessera.Benchmarks" && dotnet run -c Release -- --video-clip "$dir") >&2
/usr/bin/python3 "$here/video-patches-numpy.py" "$dir" "${1:-9}"
