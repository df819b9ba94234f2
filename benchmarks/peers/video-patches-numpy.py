"""numpy peer for VideoPatchBenchmarks: the slow Qwen2-VL processor's rescale, normalise and patchify of a video's
resized frames, written with numpy: (x / 255 - mean) / std in float32 (../shared/docs/pixels.md §4.2), the last frame
repeated into an odd temporal group, then the reshape/transpose of §5.1. Checked against Tessera's bytes (an even and
an odd frame count) before timing.

Usage: /usr/bin/python3 video-patches-numpy.py DIR [RUNS]   (DIR from `dotnet run -- --video-clip DIR`)
Prints one JSON line: median and min milliseconds, and that the output equals Tessera's bit for bit (also for the odd
count of all frames but the last); exits 1 without timing when either differs.
"""
import json
import sys
import time

import numpy as np

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def patchify(frames, t, h, w, p=14, m=2, tp=2):
    # frames: (T, H, W, 3) uint8 -> (T, 3, H, W) float32, rescaled and normalised in float32.
    x = frames.astype(np.float32) / np.float32(255)
    x = (x - MEAN) / STD
    x = x.transpose(0, 3, 1, 2)
    if t % tp:
        x = np.concatenate([x, np.repeat(x[-1:], tp - t % tp, axis=0)], axis=0)
    gt, gh, gw = x.shape[0] // tp, h // p, w // p
    x = x.reshape(gt, tp, 3, gh // m, m, p, gw // m, m, p)
    x = x.transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    return np.ascontiguousarray(x.reshape(gt * gh * gw, 3 * tp * p * p))


def main():
    folder = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    clip = json.load(open(f"{folder}/clip.json"))
    t, w, h = clip["frames"], clip["width"], clip["height"]
    frames = np.fromfile(f"{folder}/frames.rgb", dtype=np.uint8).reshape(t, h, w, 3)
    out = patchify(frames, t, h, w)
    tessera = np.fromfile(f"{folder}/tessera.f32", dtype=np.float32)
    equal = tessera.size == out.size and bool(np.array_equal(out.view(np.uint32).ravel(), tessera.view(np.uint32)))
    # All frames but the last: an odd count, whose last temporal group repeats the last frame.
    odd = patchify(frames[:t - 1], t - 1, h, w)
    tessera_odd = np.fromfile(f"{folder}/tessera-odd.f32", dtype=np.float32)
    odd_equal = tessera_odd.size == odd.size and bool(np.array_equal(odd.view(np.uint32).ravel(), tessera_odd.view(np.uint32)))
    if not (equal and odd_equal):
        print(json.dumps({"bitwise_equal_to_tessera": equal, "odd_count_equal": odd_equal}))
        sys.exit(1)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        patchify(frames, t, h, w)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(json.dumps({"peer": "numpy " + np.__version__, "frames": t, "width": w, "height": h, "rows": out.shape[0],
                      "median_ms": round(times[len(times) // 2], 2), "min_ms": round(times[0], 2),
                      "bitwise_equal_to_tessera": equal, "odd_count_equal": odd_equal}))


if __name__ == "__main__":
    main()
